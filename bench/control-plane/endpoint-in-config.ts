/**
 * Whether a pushed config already carries a change: the readiness of one endpoint, found by its
 * (benchmark-unique) address in the document's bytes. The megabyte document is neither turned
 * into a string nor parsed: with 1000 proxies a change would leave gigabytes of garbage in the
 * harness, and its collection would delay the arrival times of the next change.
 */
import { gunzipSync } from 'node:zlib';
import type { ConfigUpdateMessage } from '../../common/api/wire.js';

export function endpointReady(document: Buffer, address: string): boolean | undefined {
  const at = document.indexOf(`"address":${JSON.stringify(address)}`);
  if (at < 0) return undefined;
  // An endpoint is a flat object: its braces are the nearest ones around the address.
  const start = document.lastIndexOf('{', at);
  const end = document.indexOf('}', at);
  if (start < 0 || end < 0) return undefined;
  const endpoint = JSON.parse(document.subarray(start, end + 1).toString('utf8')) as { ready?: unknown };
  return typeof endpoint.ready === 'boolean' ? endpoint.ready : undefined;
}

/** The document of an update as bytes, whichever way it travelled. */
export function documentBytes(m: Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'>): Buffer {
  return m.configJsonGzip && m.configJsonGzip.length > 0 ? gunzipSync(m.configJsonGzip, { maxOutputLength: 256 * 1024 * 1024 }) : Buffer.from(m.configJson);
}
