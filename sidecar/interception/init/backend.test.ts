import { describe, expect, it } from 'vitest';
import { chooseBackend, countRules } from './backend.js';

const empty = '*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
const withRules = (n: number): string => `*nat\n${Array.from({ length: n }, (_, i) => `-A OUTPUT -d 10.0.0.${i}/32 -j RETURN`).join('\n')}\nCOMMIT\n`;
const withWeft = '*nat\n:WEFT_INBOUND - [0:0]\n:WEFT_OUTPUT - [0:0]\n-A PREROUTING -p tcp -j WEFT_INBOUND\nCOMMIT\n';

describe('chooseBackend', () => {
  it.each([
    ['forced legacy', 'legacy' as const, { nft: withRules(5), legacy: empty }, ['legacy'], 'WEFT_IPTABLES'],
    ['forced nft, even with tools missing', 'nft' as const, { nft: undefined, legacy: withWeft }, ['nft'], 'WEFT_IPTABLES'],
    ["weft's chains in legacy: a restart keeps legacy", undefined, { nft: withRules(9), legacy: withWeft }, ['legacy'], 'already there'],
    ["weft's chains in nft", undefined, { nft: withWeft, legacy: withRules(9) }, ['nft'], 'already there'],
    ['more rules in legacy', undefined, { nft: withRules(1), legacy: withRules(3) }, ['legacy'], 'most rules'],
    ['more rules in nft', undefined, { nft: withRules(2), legacy: empty }, ['nft'], 'most rules'],
    ['both empty: nft first, legacy as fallback', undefined, { nft: empty, legacy: empty }, ['nft', 'legacy'], 'default'],
    ['only legacy tools run', undefined, { nft: undefined, legacy: empty }, ['legacy', 'nft'], 'default'],
    ['no save ran: both tried', undefined, { nft: undefined, legacy: undefined }, ['nft', 'legacy'], 'trying both'],
  ])('%s', (_name, forced, saves, order, reason) => {
    const choice = chooseBackend(forced, saves);
    expect(choice.order).toEqual(order);
    expect(choice.reason).toContain(reason);
  });

  it('counts only rule lines', () => {
    expect(countRules(`# Warning: iptables-legacy tables present\n${withRules(4)}`)).toBe(4);
    expect(countRules(undefined)).toBe(0);
  });
});
