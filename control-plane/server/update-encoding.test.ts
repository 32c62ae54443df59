import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { configService } from '../../common/api/load.js';
import { decodePayload } from '../../common/api/payload.js';
import type { ConfigUpdateMessage } from '../../common/api/wire.js';
import { encodeUpdate, withPreEncodedResponses } from './update-encoding.js';

const method = Object.values(configService().service)[0]!;
const decode = (b: Buffer): ConfigUpdateMessage => method.responseDeserialize(b) as ConfigUpdateMessage;

describe('encodeUpdate', () => {
  it('decodes to what the generic encoder’s bytes decode to, read back by the sidecar’s decoder (gzip parts, plain JSON, no time)', () => {
    const parts = [gzipSync('{"a":'), gzipSync('x'.repeat(300_000)), gzipSync('}')];
    const gz = decode(encodeUpdate({ version: 'v1', nonce: 'abc-1', gzipParts: parts, observedAtUnixMs: 1_795_561_084_761 }));
    expect(gz).toMatchObject({ version: 'v1', nonce: 'abc-1', configJson: '', observedAtUnixMs: '1795561084761' });
    expect(decodePayload(gz)).toBe(`{"a":${'x'.repeat(300_000)}}`);
    const plain = decode(encodeUpdate({ version: 'ü', nonce: 'n', configJson: '{"b":"✓"}', observedAtUnixMs: 0 }));
    expect(plain).toMatchObject({ version: 'ü', nonce: 'n', configJson: '{"b":"✓"}', observedAtUnixMs: '0' });
    expect(plain.configJsonGzip).toHaveLength(0);
    const generic = method.responseSerialize({ version: 'ü', nonce: 'n', configJson: '{"b":"✓"}', configJsonGzip: Buffer.alloc(0), observedAtUnixMs: '0' });
    expect(plain).toEqual(decode(generic));
  });

  it('lets pre-encoded updates through the service’s serializer and encodes message objects as before', () => {
    const serialize = Object.values(withPreEncodedResponses(configService().service))[0]!.responseSerialize;
    const bytes = encodeUpdate({ version: 'v', nonce: 'n', configJson: '{}', observedAtUnixMs: 5 });
    expect(serialize(bytes)).toBe(bytes);
    expect(decode(serialize({ version: 'v', nonce: 'n', configJson: '{}', configJsonGzip: Buffer.alloc(0), observedAtUnixMs: '5' }))).toMatchObject({ version: 'v', observedAtUnixMs: '5' });
  });
});
