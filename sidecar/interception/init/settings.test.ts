import { describe, expect, it } from 'vitest';
import { InitErrorCodes } from './errors.js';
import { settingsFromEnv } from './settings.js';

describe('settingsFromEnv', () => {
  it('uses the contract defaults, with the admin port always exempt inbound', () => {
    expect(settingsFromEnv({})).toEqual({ proxyUid: 1337, outboundPort: 15001, inboundPort: 15006, inboundExcludePorts: [15000], outboundExcludePorts: [] });
  });

  it('reads every variable, sorting and de-duplicating the port lists', () => {
    const s = settingsFromEnv({
      WEFT_PROXY_UID: '2000',
      WEFT_OUTBOUND_PORT: '16001',
      WEFT_INBOUND_PORT: '16006',
      WEFT_INBOUND_EXCLUDE_PORTS: '8080, 15000,22',
      WEFT_OUTBOUND_EXCLUDE_PORTS: '5432,443,5432',
      WEFT_IPTABLES: 'legacy',
    });
    expect(s).toEqual({ proxyUid: 2000, outboundPort: 16001, inboundPort: 16006, inboundExcludePorts: [22, 8080, 15000], outboundExcludePorts: [443, 5432], backend: 'legacy' });
  });

  it.each([
    ['WEFT_PROXY_UID', '-1', /WEFT_PROXY_UID: "-1" is not a whole number/],
    ['WEFT_OUTBOUND_PORT', '70000', /WEFT_OUTBOUND_PORT: "70000" is not a whole number from 1 to 65535/],
    ['WEFT_INBOUND_PORT', '15006x', /WEFT_INBOUND_PORT/],
    ['WEFT_INBOUND_EXCLUDE_PORTS', '80,,81', /WEFT_INBOUND_EXCLUDE_PORTS: "" is not/],
    ['WEFT_OUTBOUND_EXCLUDE_PORTS', '0', /WEFT_OUTBOUND_EXCLUDE_PORTS: "0"/],
    ['WEFT_IPTABLES', 'nftables', /WEFT_IPTABLES must be "legacy" or "nft", not "nftables"/],
  ])('%s=%s is refused with a message naming it', (name, value, message) => {
    expect(() => settingsFromEnv({ [name]: value })).toThrow(message);
    expect(() => settingsFromEnv({ [name]: value })).toThrow(expect.objectContaining({ code: InitErrorCodes.BAD_SETTING }));
  });
});
