/** Builds the pipeline's RequestHead from an HTTP/1.1 or HTTP/2 message (authority forms, header hygiene). */
import type { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http2';
import { appendHeader, endToEndHeaders, endToEndRawHeaders } from '../protocol/headers.js';
import type { Headers, RequestHead } from '../pipeline/types.js';
import { ErrorCodes, WeftError } from '../../common/errors.js';

/**
 * HTTP/1.1: origin-form (`GET /path`, authority from Host) or absolute-form (`GET http://reviews/path`,
 * as an app configured with an HTTP proxy sends it).
 */
export function http1Head(req: IncomingMessage): RequestHead {
  const url = req.url ?? '/';
  const headers = withoutExpect(endToEndRawHeaders(req.rawHeaders));
  if (/^http:\/\//i.test(url)) {
    const parsed = absoluteUrl(url);
    return { method: req.method ?? 'GET', authority: parsed.host, path: parsed.pathname + parsed.search, headers, absoluteForm: true };
  }
  return { method: req.method ?? 'GET', authority: req.headers.host ?? '', path: url, headers };
}

export function http2Head(headers: IncomingHttpHeaders): RequestHead {
  return {
    method: String(headers[':method'] ?? 'GET'),
    authority: String(headers[':authority'] ?? headers.host ?? ''),
    path: String(headers[':path'] ?? '/'),
    headers: withoutExpect(endToEndHeaders(headers)),
  };
}

/** The listener already answered `Expect: 100-continue`, so it does not travel on. */
function withoutExpect(headers: Headers): Headers {
  if (headers['expect'] !== undefined) delete headers['expect'];
  return headers;
}

/** Inbound requests arrive from another pod: record where from, as production proxies do. */
export function addForwardedFor(head: RequestHead, remoteAddress: string | undefined): void {
  if (remoteAddress) appendHeader(head.headers, 'x-forwarded-for', remoteAddress.replace(/^::ffff:/, ''));
  head.headers['x-forwarded-proto'] ??= 'http';
}

/** Whether an HTTP/1.1 request carries a body (Content-Length above 0, or Transfer-Encoding). */
export function http1HasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A declared Content-Length over the limit is refused before reading a byte of the body. */
export function declaredTooLarge(headers: IncomingHttpHeaders, maxBytes: number): boolean {
  const length = Number(headers['content-length']);
  return maxBytes > 0 && Number.isFinite(length) && length > maxBytes;
}

function absoluteUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new WeftError(ErrorCodes.BAD_REQUEST, 'malformed request: request-target is not a valid absolute URL');
  }
}
