import { describe, expect, it } from 'vitest';
import { hasGlobalIpv6 } from './apply.js';

describe('hasGlobalIpv6', () => {
  const loopback = '00000000000000000000000000000001 01 80 10 80       lo';
  const linkLocal = 'fe80000000000000a8bbccfffedd0011 02 40 20 80     eth0';
  const global = 'fd000000000000000000000000000002 02 40 00 80     eth0';

  it('is false for loopback and link-local addresses only (an IPv4-only pod)', () => {
    expect(hasGlobalIpv6(`${loopback}\n${linkLocal}\n`)).toBe(false);
    expect(hasGlobalIpv6('')).toBe(false);
  });

  it('is true once an interface other than lo has a global address', () => {
    expect(hasGlobalIpv6(`${loopback}\n${linkLocal}\n${global}\n`)).toBe(true);
  });
});
