import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.js';
import { backoffCeiling, fullJitterDelay } from '../../common/backoff.js';

describe('retry backoff (full jitter)', () => {
  const policy = { baseMs: 25, maxMs: 250 };

  it('doubles the ceiling per retry and caps it at max', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((r) => backoffCeiling(r, policy))).toEqual([25, 50, 100, 200, 250, 250, 250]);
  });

  it('draws full jitter between 0 and the ceiling', () => {
    expect(fullJitterDelay(2, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(2, policy, () => 0.999999)).toBe(99);
    const random = seededRandom(7);
    const delays = Array.from({ length: 2000 }, () => fullJitterDelay(3, policy, random));
    expect(Math.max(...delays)).toBeLessThan(200);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(90);
    expect(mean).toBeLessThan(110);
  });
});
