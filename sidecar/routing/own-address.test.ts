import { describe, expect, it } from 'vitest';
import { canonicalIp, ownListenerCheck } from './own-address.js';

describe('canonicalIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.000.000.001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['10.0x60.0.012', '10.96.0.10'],
    ['[::ffff:127.0.0.1]', '::ffff:127.0.0.1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::', '::'],
    // As WHATWG URL parsers read it (an empty hex part is 0): for a loop guard, the cautious reading.
    ['0x', '0.0.0.0'],
  ])('%s is %s', (text, ip) => expect(canonicalIp(text)).toBe(ip));

  it.each(['reviews', 'localhost', '127.0.0.1.nip.io', '256.0.0.1', '1.2.3.4.5', '08.0.0.1', '4294967296', '1.2.3.256', ''])('%s is not an address', (text) => {
    expect(canonicalIp(text)).toBeUndefined();
  });
});

describe('ownListenerCheck', () => {
  const own = ownListenerCheck({ ports: () => [15001, 15006], extra: () => ['10.1.2.3'], interfaces: () => ['192.168.5.9', 'fe80::abcd'] });

  it.each([
    '127.0.0.1', '127.1', '127.255.255.254', '0x7f.1', '0177.0.0.1', '127.000.000.001', '2130706433',
    '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0.0.0.0', '0', '::',
    '10.1.2.3', '::ffff:10.1.2.3', '192.168.5.9', 'fe80::abcd',
  ])('%s on a listener port is this proxy', (address) => {
    expect(own(address, 15001)).toBe(true);
    expect(own(address, 15006)).toBe(true);
  });

  it('other ports, other hosts and names are not', () => {
    expect(own('127.0.0.1', 8080)).toBe(false);
    expect(own('10.1.2.4', 15001)).toBe(false);
    expect(own('::ffff:10.1.2.4', 15001)).toBe(false);
    // A name is never resolved, so it is never a destination at all (and not an address here).
    expect(own('localhost', 15001)).toBe(false);
  });
});
