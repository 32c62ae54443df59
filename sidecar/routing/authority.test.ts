import { describe, expect, it } from 'vitest';
import { formatAuthority, parseAuthority } from './authority.js';

describe('parseAuthority', () => {
  it.each([
    ['reviews', { host: 'reviews', port: 80 }],
    ['reviews:9080', { host: 'reviews', port: 9080 }],
    ['Reviews.NS.svc.cluster.local.:9080', { host: 'reviews.ns.svc.cluster.local', port: 9080 }],
    ['10.96.0.12:9080', { host: '10.96.0.12', port: 9080 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[fd00::1]', { host: 'fd00::1', port: 80 }],
  ])('%s', (input, want) => expect(parseAuthority(input)).toEqual(want));

  it.each(['', ':80', 'a:b', 'a:70000', 'a:0', '::1', '[::1', '[::1]x'])('rejects %j', (input) => expect(parseAuthority(input)).toBeUndefined());

  it('formats IPv6 with brackets', () => {
    expect(formatAuthority('::1', 80)).toBe('[::1]:80');
    expect(formatAuthority('a', 1)).toBe('a:1');
  });
});
