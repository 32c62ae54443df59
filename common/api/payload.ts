/** The config document inside a ConfigUpdate: plain JSON when small, gzipped when large (grpc-js cannot compress server responses itself). */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ConfigUpdateMessage } from './wire.js';

/** Below this, gzip saves too little to pay for its CPU. */
export const gzipThresholdBytes = 16 * 1024;

export function encodePayload(json: string): Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'> {
  if (Buffer.byteLength(json) < gzipThresholdBytes) return { configJson: json, configJsonGzip: Buffer.alloc(0) };
  return { configJson: '', configJsonGzip: gzipSync(json, { level: 6 }) };
}

/** The JSON document, whichever way it travelled. Throws on a corrupt gzip body. */
export function decodePayload(m: Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'>): string {
  if (m.configJsonGzip && m.configJsonGzip.length > 0) return gunzipSync(m.configJsonGzip, { maxOutputLength: 256 * 1024 * 1024 }).toString('utf8');
  return m.configJson;
}
