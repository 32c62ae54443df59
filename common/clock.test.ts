import { describe, expect, it } from 'vitest';
import { FakeClock } from './testing/fake-clock.js';

describe('FakeClock', () => {
  it('fires timers in due order only when advanced', async () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 15);
    cancelled.cancel();
    await clock.advance(9);
    expect(fired).toEqual([]);
    await clock.advance(11);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(20);
  });

  it('sleep resolves on advance and rejects on abort', async () => {
    const clock = new FakeClock();
    let done = false;
    const p = clock.sleep(100).then(() => (done = true));
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    await p;
    expect(done).toBe(true);
    const ac = new AbortController();
    const q = clock.sleep(100, ac.signal);
    ac.abort(new Error('gone'));
    await expect(q).rejects.toThrow('gone');
    expect(clock.pending()).toBe(0);
  });
});
