import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, gzipThresholdBytes } from './payload.js';

describe('config payload', () => {
  it('sends small documents as plain JSON', () => {
    const p = encodePayload('{"a":1}');
    expect(p).toEqual({ configJson: '{"a":1}', configJsonGzip: Buffer.alloc(0) });
    expect(decodePayload(p)).toBe('{"a":1}');
  });

  it('gzips large documents and restores them exactly', () => {
    const json = JSON.stringify({ services: Array.from({ length: 500 }, (_, i) => ({ name: `svc-${i}`, policy: { retries: { attempts: 2 } } })) });
    expect(json.length).toBeGreaterThan(gzipThresholdBytes);
    const p = encodePayload(json);
    expect(p.configJson).toBe('');
    expect(p.configJsonGzip.length).toBeLessThan(json.length / 5);
    expect(decodePayload(p)).toBe(json);
  });

  it('throws on a corrupt body rather than returning garbage', () => {
    expect(() => decodePayload({ configJson: '', configJsonGzip: Buffer.from('not gzip') })).toThrow();
  });
});
