/** An immutable, validated, content-versioned config snapshot for one proxy, ready to send. */
import { createHash } from 'node:crypto';
import { encodePayload } from '../../common/api/payload.js';
import type { ConfigUpdateMessage } from '../../common/api/wire.js';
import { parseProxyConfig, toDocument, type ProxyConfig } from '../../common/config/index.js';

export interface Snapshot {
  /** Content hash: equal versions carry equal configs, on every replica and across restarts. */
  readonly version: string;
  /** The document (`version` included) as it goes on the wire, gzipped when large. */
  readonly payload: Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'>;
  /** Bytes on the wire. */
  readonly bytes: number;
  /** Bytes of the JSON document before compression. */
  readonly jsonBytes: number;
}

/**
 * Versions by content and validates with the sidecar's own parser before anything is published
 * (STYLE 6): a config the sidecar would refuse is a control-plane bug, thrown here, not pushed.
 */
export function buildSnapshot(config: ProxyConfig): Snapshot {
  const doc = toDocument({ ...config, version: '' });
  const version = createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 16);
  doc.version = version;
  const json = JSON.stringify(doc);
  parseProxyConfig(JSON.parse(json));
  const payload = encodePayload(json);
  return Object.freeze({ version, payload, bytes: payload.configJson.length + payload.configJsonGzip.length, jsonBytes: Buffer.byteLength(json) });
}
