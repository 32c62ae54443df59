/**
 * Strict request framing that Node's parsers let through: checks on the parsed request that a
 * proxy must make before forwarding it (RFC 9112 sections 3 and 3.2, RFC 9113 8.3.1). Each returns
 * the reason a request is malformed, or undefined when it is fine.
 */
import type { IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http2';

/** RFC 3986 host (an IP literal in brackets, or reg-name / IPv4 characters) with an optional port. */
const authoritySyntax = /^(?:\[[0-9a-f:.]+\]|[a-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?$/i;

/** Why a Host / :authority value is not a valid authority (spaces, control bytes, userinfo, a path...). */
export function authorityError(value: string): string | undefined {
  return authoritySyntax.test(value) ? undefined : `invalid authority ${JSON.stringify(value.slice(0, 100))}`;
}

/**
 * HTTP/1.1: a version other than 1.x on the request line (HTTP/2.0 sent as text, an HTTP/0.9 line
 * without a version), more than one Host field line, a Host that is not an authority, or a
 * request-target that carries a fragment or is neither origin-form (`/path`), absolute-form
 * (`http://...`) nor `*` for OPTIONS.
 */
export function http1FramingError(req: IncomingMessage): string | undefined {
  if (req.httpVersionMajor !== 1) return `unsupported HTTP version ${req.httpVersion} on an HTTP/1.1 connection`;
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.length === 4 && req.rawHeaders[i]!.toLowerCase() === 'host') hosts++;
  if (hosts > 1) return 'more than one Host header';
  const host = req.headers.host;
  if (host !== undefined && host !== '') {
    const bad = authorityError(host);
    if (bad) return `Host: ${bad}`;
  }
  const url = req.url ?? '';
  // A fragment is the client's own business (RFC 9112 3.2: no fragment in a request-target).
  if (url.includes('#')) return 'a request-target with a fragment (#)';
  if (url.startsWith('/') || /^http:\/\//i.test(url) || (url === '*' && req.method === 'OPTIONS')) return undefined;
  return `request-target ${JSON.stringify(url.slice(0, 100))} is neither origin-form nor absolute-form`;
}

/** HTTP/2: an :authority that is not an authority, or a Host header naming another one (RFC 9113 8.3.1). */
export function http2FramingError(headers: IncomingHttpHeaders): string | undefined {
  const authority = headers[':authority'];
  const host = headers.host;
  if (authority !== undefined) {
    const bad = authorityError(authority);
    if (bad) return `:authority: ${bad}`;
    if (host !== undefined && host.toLowerCase() !== authority.toLowerCase()) return 'Host differs from :authority';
  }
  if (host !== undefined) return authorityError(host);
  return undefined;
}
