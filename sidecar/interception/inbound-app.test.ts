import { describe, expect, it } from 'vitest';
import type { InboundPort } from '../../common/config/types.js';
import { appAddressFor } from './inbound-app.js';

const ports: InboundPort[] = [{ port: 9080, appAddress: '127.0.0.1', appPort: 8080, protocol: 'http2' }];

describe('appAddressFor', () => {
  it.each([
    ['a port the config maps: its app address, port and protocol', 9080, { address: '127.0.0.1', port: 8080, protocol: 'http2' }],
    ['any other port: the same port on 127.0.0.1', 5432, { address: '127.0.0.1', port: 5432 }],
    ["the sidecar's own inbound port: none (a loop)", 15006, undefined],
    ["the sidecar's own outbound port: none", 15001, undefined],
  ])('%s', (_name, port, expected) => {
    const own = (address: string, p: number): boolean => address === '127.0.0.1' && [15001, 15006].includes(p);
    expect(appAddressFor(ports, { address: '10.1.2.3', port }, own)).toEqual(expected);
  });
});
