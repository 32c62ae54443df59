import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 5000 };
  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, policy, () => 1))).toEqual([100, 200, 400, 800, 5000, 5000]);
  });
  it('jitters between half and all of the ceiling', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(200);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(300);
  });
});
