/**
 * Whether a pushed config already carries a change: the readiness of one endpoint, found by its
 * (benchmark-unique) address in the document's bytes. The megabyte document is neither turned
 * into a string nor parsed: with 1000 proxies a change would leave gigabytes of garbage in the
 * harness, and its collection would delay the arrival times of the next change.
 */
import { constants, gunzipSync } from 'node:zlib';
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

/** The document of an update as bytes, whichever way it travelled; `prefixBytes` of a gzipped one decode only the document's start. */
export function documentBytes(m: Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'>, prefixBytes = Infinity): Buffer {
  if (!m.configJsonGzip || m.configJsonGzip.length === 0) return Buffer.from(m.configJson);
  if (prefixBytes >= m.configJsonGzip.length) return gunzipSync(m.configJsonGzip, { maxOutputLength: 256 * 1024 * 1024 });
  // A truncated stream decodes as far as it goes instead of failing.
  return gunzipSync(m.configJsonGzip.subarray(0, prefixBytes), { finishFlush: constants.Z_SYNC_FLUSH });
}

/**
 * The endpoint's readiness in an update: the benchmark changes svc-0, which sorts near the start of
 * the document, so the first 16 KiB of the gzip stream usually hold it; else the whole document.
 */
export function endpointReadyInUpdate(m: Pick<ConfigUpdateMessage, 'configJson' | 'configJsonGzip'>, address: string): boolean | undefined {
  return endpointReady(documentBytes(m, 16 * 1024), address) ?? endpointReady(documentBytes(m), address);
}
