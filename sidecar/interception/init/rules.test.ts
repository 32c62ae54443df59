import { describe, expect, it } from 'vitest';
import { chainRules, restoreInput, ruleLine } from './rules.js';
import { settingsFromEnv } from './settings.js';

const lines = (env: NodeJS.ProcessEnv): string[] => chainRules(settingsFromEnv(env)).map(ruleLine);

describe('chainRules', () => {
  it.each<[string, NodeJS.ProcessEnv, string[]]>([
    [
      'defaults',
      {},
      [
        '-A WEFT_INBOUND -p tcp -m tcp --dport 15000 -j RETURN',
        '-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT',
        '-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
        '-A WEFT_OUTPUT -m owner --uid-owner 1337 -j RETURN',
        '-A WEFT_OUTPUT -o lo -j RETURN',
        '-A WEFT_OUTPUT -j WEFT_REDIRECT',
        '-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
      ],
    ],
    [
      'other ports and UID, excluded ports both ways',
      { WEFT_PROXY_UID: '7', WEFT_OUTBOUND_PORT: '1001', WEFT_INBOUND_PORT: '1006', WEFT_INBOUND_EXCLUDE_PORTS: '22,8443', WEFT_OUTBOUND_EXCLUDE_PORTS: '5432' },
      [
        '-A WEFT_INBOUND -p tcp -m tcp --dport 22 -j RETURN',
        '-A WEFT_INBOUND -p tcp -m tcp --dport 8443 -j RETURN',
        '-A WEFT_INBOUND -p tcp -m tcp --dport 15000 -j RETURN',
        '-A WEFT_INBOUND -p tcp -j WEFT_IN_REDIRECT',
        '-A WEFT_IN_REDIRECT -p tcp -j REDIRECT --to-ports 1006',
        '-A WEFT_OUTPUT -m owner --uid-owner 7 -j RETURN',
        '-A WEFT_OUTPUT -o lo -j RETURN',
        '-A WEFT_OUTPUT -p tcp -m tcp --dport 5432 -j RETURN',
        '-A WEFT_OUTPUT -j WEFT_REDIRECT',
        '-A WEFT_REDIRECT -p tcp -j REDIRECT --to-ports 1001',
      ],
    ],
  ])('%s', (_name, env, expected) => {
    expect(lines(env)).toEqual(expected);
  });
});

describe('restoreInput', () => {
  const settings = settingsFromEnv({});

  it('declares weft chains, writes their rules, and adds both jumps to a table without them', () => {
    const text = restoreInput(settings, '*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n');
    const out = text.split('\n');
    expect(out.slice(0, 5)).toEqual(['*nat', ':WEFT_INBOUND - [0:0]', ':WEFT_IN_REDIRECT - [0:0]', ':WEFT_OUTPUT - [0:0]', ':WEFT_REDIRECT - [0:0]']);
    expect(out).toContain('-A PREROUTING -p tcp -j WEFT_INBOUND');
    expect(out).toContain('-A OUTPUT -p tcp -j WEFT_OUTPUT');
    expect(out.at(-2)).toBe('COMMIT');
  });

  it('does not add a jump the table already has (a second run changes nothing)', () => {
    const current = '*nat\n-A PREROUTING -p tcp -j WEFT_INBOUND\n-A OUTPUT -p tcp -j WEFT_OUTPUT\n-A OUTPUT -j KUBE-SERVICES\nCOMMIT\n';
    const out = restoreInput(settings, current).split('\n');
    expect(out.filter((l) => l.startsWith('-A PREROUTING') || l.startsWith('-A OUTPUT'))).toEqual([]);
    expect(out.filter((l) => l.startsWith('-A WEFT_'))).toHaveLength(chainRules(settings).length);
  });
});
