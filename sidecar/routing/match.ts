/** Route matching: path (exact/prefix/regex), method, headers and query parameters, as Gateway API defines them. */
import type { PathMatch, Route, RouteMatch, ValueMatch } from '../../common/config/types.js';
import type { Headers, RequestHead } from '../pipeline/types.js';

/** The first route (in order) with a match for the request; a route with no matches matches all. */
export function findRoute(routes: readonly Route[], req: RequestHead): Route | undefined {
  if (routes.length === 0) return undefined;
  const { pathname, query } = splitPath(req.path);
  return routes.find((r) => r.matches.length === 0 || r.matches.some((m) => matches(m, req, pathname, query)));
}

function matches(m: RouteMatch, req: RequestHead, pathname: string, query: URLSearchParams): boolean {
  if (m.method && m.method !== req.method.toUpperCase()) return false;
  if (m.path && !pathMatches(m.path, pathname)) return false;
  if (!m.headers.every((h) => valueMatches(h, headerValue(req.headers, h.name)))) return false;
  return m.queryParams.every((q) => valueMatches(q, query.get(q.name) ?? undefined));
}

function pathMatches(m: PathMatch, path: string): boolean {
  switch (m.type) {
    case 'Exact':
      return path === m.value;
    case 'PathPrefix': {
      // Gateway API prefixes match whole segments: /foo matches /foo and /foo/bar, not /foobar.
      const prefix = m.value.endsWith('/') && m.value !== '/' ? m.value.slice(0, -1) : m.value;
      return prefix === '/' || path === prefix || path.startsWith(prefix + '/');
    }
    case 'RegularExpression':
      return compiled(m.value).test(path);
  }
}

function valueMatches(m: ValueMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  return m.type === 'Exact' ? value === m.value : compiled(m.value).test(value);
}

/** Multiple values of one header match as their comma-joined form, as RFC 9110 folds them. */
function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function splitPath(path: string): { pathname: string; query: URLSearchParams } {
  const q = path.indexOf('?');
  return q < 0 ? { pathname: path, query: new URLSearchParams() } : { pathname: path.slice(0, q), query: new URLSearchParams(path.slice(q + 1)) };
}

// Config regexes are validated at parse time; compile each once, anchored as Gateway API's RE2 full match.
const cache = new Map<string, RegExp>();
function compiled(source: string): RegExp {
  let re = cache.get(source);
  if (!re) {
    if (cache.size > 1000) cache.clear();
    re = new RegExp(`^(?:${source})$`);
    cache.set(source, re);
  }
  return re;
}
