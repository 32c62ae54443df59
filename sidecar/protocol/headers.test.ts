import { describe, expect, it } from 'vitest';
import { endToEndHeaders, endToEndRawHeaders } from './headers.js';

describe('endToEndRawHeaders', () => {
  it('lowercases names, keeps every value of a repeated field and drops hop-by-hop and Connection-named fields', () => {
    const raw = ['Host', 'up', 'X-A', '1', 'Connection', 'keep-alive, X-Drop', 'x-a', '2', 'X-Drop', 'gone', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Accept', '*/*'];
    expect(endToEndRawHeaders(raw)).toEqual({ 'x-a': ['1', '2'], accept: '*/*', te: 'trailers' });
  });

  it('gives what the headersDistinct path gives for the same message', () => {
    const raw = ['Host', 'up', 'Cookie', 'a=1', 'Cookie', 'b=2', 'Upgrade', 'h2c', 'Transfer-Encoding', 'chunked', 'X-Id', 'z', 'TE', 'gzip'];
    const distinct: Record<string, string[]> = {};
    for (let i = 0; i < raw.length; i += 2) (distinct[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
    expect(endToEndRawHeaders(raw)).toEqual(endToEndHeaders(distinct));
    expect(endToEndRawHeaders(raw)).toEqual({ cookie: ['a=1', 'b=2'], 'x-id': 'z' });
  });

  it('never lets a header name reach the object prototype', () => {
    const out = endToEndRawHeaders(['__proto__', 'x', '__proto__', 'y']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual([]);
  });
});
