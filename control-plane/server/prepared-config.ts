/** One proxy's config prepared for pushing: validated, versioned by content and encoded, immutable. */
import { createHash } from 'node:crypto';
import { gzipThresholdBytes } from '../../common/api/payload.js';
import type { ConfigUpdateMessage } from '../../common/api/wire.js';
import { parseProxyConfig, toDocument, type ProxyConfig } from '../../common/config/index.js';
import { SharedServicesCache } from './shared-services.js';
import { storedGzipMember } from './stored-gzip.js';
import { encodeUpdate } from './update-encoding.js';

export interface PreparedConfig {
  /** Content hash: equal versions carry equal configs, on every replica and across restarts. */
  readonly version: string;
  /** The document (`version` included) as it goes on the wire, gzipped when large; joined on first use (the server sends `encode`). */
  readonly payload: Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'>;
  /** Bytes on the wire. */
  readonly bytes: number;
  /** Bytes of the JSON document before compression. */
  readonly jsonBytes: number;
  /** One send of it: the ConfigUpdate message as the bytes gRPC writes (update-encoding.ts). */
  encode(nonce: string, observedAtUnixMs: number): Buffer;
}

/** The document's last byte, as its own gzip member. */
const closingBrace = storedGzipMember('}');

/**
 * Versions by content and validates with the sidecar's own parser before anything is published
 * (docs/contributing.md, "The control plane"): a config the sidecar would refuse is a control-plane bug, thrown here, not pushed.
 * The service table comes encoded and validated from `shared` (once per snapshot, not per proxy);
 * here only this proxy's own part is: the document is that part with the shared table spliced in
 * as the last field, and its version a hash of that part and the table's hash.
 */
export function prepareConfig(config: ProxyConfig, shared: SharedServicesCache = new SharedServicesCache(1)): PreparedConfig {
  const services = shared.get(config);
  const { services: _omitted, version: _unversioned, ...local } = toDocument({ ...config, services: [] });
  // A placeholder version spares the parser hashing a document it is only asked to check.
  parseProxyConfig({ ...local, version: 'check', services: [] });
  const version = createHash('sha256').update(JSON.stringify(local)).update('\n').update(services.hash).digest('hex').slice(0, 16);
  const head = `${JSON.stringify({ version, ...local }).slice(0, -1)},"services":`;
  const jsonBytes = Buffer.byteLength(head) + services.jsonBytes + 1;
  if (jsonBytes < gzipThresholdBytes) {
    const configJson = `${head}${services.json}}`;
    const payload = { configJson, configJsonGzip: Buffer.alloc(0) };
    return Object.freeze({ version, payload, bytes: configJson.length, jsonBytes, encode: (nonce: string, observedAtUnixMs: number) => encodeUpdate({ version, nonce, configJson, observedAtUnixMs }) });
  }
  const gzipParts = [storedGzipMember(head), services.gzip(), closingBrace];
  let joined: Buffer | undefined;
  return Object.freeze({
    version,
    get payload() {
      return { configJson: '', configJsonGzip: (joined ??= Buffer.concat(gzipParts)) };
    },
    bytes: gzipParts.reduce((a, p) => a + p.length, 0),
    jsonBytes,
    encode: (nonce: string, observedAtUnixMs: number) => encodeUpdate({ version, nonce, gzipParts, observedAtUnixMs }),
  });
}
