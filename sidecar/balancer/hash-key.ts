/**
 * The affinity key of a request for consistent hashing: a header's value, or a cookie's. When the
 * cookie is absent, one is made up and returned as a Set-Cookie value, so the client's next
 * requests stick to the endpoint this one went to.
 */
import type { LoadBalancerPolicy } from '../../common/config/types.js';
import type { Random } from '../../common/random.js';
import type { Headers } from '../pipeline/types.js';

export interface HashKey {
  key?: string;
  /** A `set-cookie` value to add to the response. */
  setCookie?: string;
}

export function hashKeyOf(policy: LoadBalancerPolicy, headers: Headers, random: Random): HashKey {
  const on = policy.hashOn;
  if (policy.algorithm !== 'consistent-hash' || !on) return {};
  if ('header' in on) return { key: first(headers[on.header.toLowerCase()]) };
  const existing = cookieValue(headers.cookie, on.cookie.name);
  if (existing !== undefined) return { key: existing };
  const value = randomToken(random);
  const maxAge = on.cookie.ttlMs ? `; Max-Age=${Math.floor(on.cookie.ttlMs / 1000)}` : '';
  return { key: value, setCookie: `${on.cookie.name}=${value}; Path=/; HttpOnly${maxAge}` };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** RFC 6265 cookie-string: `a=1; b=2`, possibly split over several Cookie headers. */
function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(header) ? header.join('; ') : header;
  if (!all) return undefined;
  for (const pair of all.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function randomToken(random: Random): string {
  let out = '';
  for (let i = 0; i < 4; i++) out += Math.floor(random() * 0x10000).toString(16).padStart(4, '0');
  return out;
}
