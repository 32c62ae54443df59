import { describe, expect, it } from 'vitest';
import { applyHeaderModifier } from './header-modifier.js';
import { pickWeighted } from './weighted.js';

describe('pickWeighted', () => {
  it('splits in proportion to weights over an evenly spread random source', () => {
    const items = [{ name: 'v1', weight: 90 }, { name: 'v2', weight: 10 }, { name: 'off', weight: 0 }];
    const counts: Record<string, number> = {};
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const pick = pickWeighted(items, () => (i + 0.5) / n)!;
      counts[pick.name] = (counts[pick.name] ?? 0) + 1;
    }
    expect(counts).toEqual({ v1: 900, v2: 100 });
  });

  it('returns nothing when every weight is 0', () => {
    expect(pickWeighted([{ weight: 0 }], () => 0.5)).toBeUndefined();
  });
});

describe('applyHeaderModifier', () => {
  it('sets, adds and removes without touching the input', () => {
    const input = { a: '1', b: '2', c: '3' };
    const out = applyHeaderModifier(input, { set: [{ name: 'a', value: 'x' }], add: [{ name: 'b', value: 'y' }, { name: 'd', value: 'z' }], remove: ['C'] });
    expect(out).toEqual({ a: 'x', b: ['2', 'y'], d: 'z' });
    expect(input).toEqual({ a: '1', b: '2', c: '3' });
  });
});
