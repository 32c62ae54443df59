/**
 * Header hygiene between hops (RFC 9110 section 7.6.1): hop-by-hop headers, the headers a
 * Connection header names, and HTTP/2 pseudo-headers never cross the proxy; TE survives only as
 * "trailers" (gRPC needs it).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Headers } from '../pipeline/types.js';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'http2-settings', 'host']);

/** End-to-end headers of an incoming message (HTTP/1.1 `headersDistinct` or HTTP/2 headers). */
export function endToEndHeaders(input: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Headers {
  const named = connectionTokens(input['connection']);
  const out: Headers = {};
  for (const rawName in input) {
    const value = input[rawName];
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (name.charCodeAt(0) === colon || hopByHop.has(name) || named?.includes(name)) continue;
    out[name] = Array.isArray(value) ? (value.length === 1 ? value[0]! : value) : value;
  }
  if (wantsTrailers(input['te'])) out['te'] = 'trailers';
  return out;
}

/**
 * The same filter straight from an HTTP/1.1 message's `rawHeaders` (name, value, name, value...):
 * one object per hop instead of Node's `headersDistinct` and then a filtered copy of it. Repeated
 * fields keep every value, as `headersDistinct` does.
 */
export function endToEndRawHeaders(raw: readonly string[]): Headers {
  let connection: string | undefined;
  let te: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 10 && name.toLowerCase() === 'connection') connection = connection === undefined ? raw[i + 1] : `${connection},${raw[i + 1]}`;
    else if (name.length === 2 && name.toLowerCase() === 'te') te = te === undefined ? raw[i + 1] : `${te},${raw[i + 1]}`;
  }
  const named = connectionTokens(connection);
  const out: Headers = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (hopByHop.has(name) || named?.includes(name) || name === '__proto__') continue;
    const value = raw[i + 1]!;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  if (wantsTrailers(te)) out['te'] = 'trailers';
  return out;
}

/** The same filter on a response (upstream -> client). */
export const endToEndResponseHeaders = endToEndHeaders;

const colon = 58;

// The Connection values nearly every message carries, answered without splitting.
const keepAlive = ['keep-alive'];
const close = ['close'];

function connectionTokens(value: string | string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'keep-alive') return keepAlive;
  if (value === 'close') return close;
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
}

function wantsTrailers(value: string | string[] | undefined): boolean {
  if (value === undefined) return false;
  // What every gRPC request carries, answered without splitting.
  if (value === 'trailers') return true;
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').some((t) => t.trim().toLowerCase().split(';')[0] === 'trailers');
}

/** Appends one value to a possibly multi-valued header. */
export function appendHeader(headers: Headers, name: string, value: string): void {
  const prev = headers[name];
  if (prev === undefined) headers[name] = value;
  else headers[name] = `${Array.isArray(prev) ? prev.join(', ') : prev}, ${value}`;
}

/** True for a gRPC request or response (content-type application/grpc, +proto, +json...). */
export function isGrpc(headers: Headers | IncomingHttpHeaders): boolean {
  const ct = headers['content-type'];
  const v = Array.isArray(ct) ? ct[0] : ct;
  return typeof v === 'string' && v.startsWith('application/grpc');
}
