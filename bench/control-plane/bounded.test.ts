import { describe, expect, it } from 'vitest';
import { forEachBounded } from './bounded.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('forEachBounded', () => {
  it('runs every item, never more than `concurrency` at once, and reports progress', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    const progress: number[] = [];
    await forEachBounded(
      Array.from({ length: 25 }, (_, i) => i),
      async (i) => {
        active++;
        peak = Math.max(peak, active);
        await tick();
        seen.push(i);
        active--;
      },
      { concurrency: 4, deadlineMs: 60_000, every: 10, progress: (done) => progress.push(done) },
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(peak).toBe(4);
    expect(progress).toEqual([10, 20, 25]);
  });

  it('fails on the first failing item', async () => {
    await expect(forEachBounded([1, 2, 3], async (i) => (i === 2 ? Promise.reject(new Error('boom')) : undefined), { concurrency: 1, deadlineMs: 60_000 })).rejects.toThrow('boom');
  });

  it('gives up on an item that never answers once the deadline has passed', async () => {
    await expect(forEachBounded([1], () => new Promise<void>(() => undefined), { concurrency: 1, deadlineMs: 50 })).rejects.toThrow(/no answer/);
  });
});
