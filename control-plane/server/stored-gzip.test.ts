import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { storedGzipMember } from './stored-gzip.js';

describe('storedGzipMember', () => {
  it('is a gzip member that gunzip reads back, for empty, small, multi-byte and multi-block texts', () => {
    for (const text of ['', '{"a":1}', 'ünïcødé ✓', 'x'.repeat(0xffff), 'y'.repeat(0xffff * 2 + 17)]) {
      expect(gunzipSync(storedGzipMember(text)).toString('utf8')).toBe(text);
    }
  });

  it('concatenates with other members into one stream', () => {
    const joined = Buffer.concat([storedGzipMember('{"a":'), storedGzipMember('[1,2]'), storedGzipMember('}')]);
    expect(JSON.parse(gunzipSync(joined).toString('utf8'))).toEqual({ a: [1, 2] });
  });

  it('carries the data uncompressed: 18 bytes of framing plus 5 per 64 KiB block', () => {
    expect(storedGzipMember('abc')).toHaveLength(3 + 18 + 5);
    expect(storedGzipMember('z'.repeat(0x10000))).toHaveLength(0x10000 + 18 + 10);
  });
});
