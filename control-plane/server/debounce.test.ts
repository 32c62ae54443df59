import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { Debouncer } from './debounce.js';

function setup() {
  const clock = new FakeClock();
  const fired: { at: number; first: number }[] = [];
  const d = new Debouncer<number>(clock, { quietMs: 100, maxMs: 1000 }, (first) => fired.push({ at: clock.now(), first }));
  return { clock, fired, d };
}

describe('Debouncer', () => {
  it('fires once, 100 ms after the last of a short burst, with the first value of the burst', async () => {
    const { clock, fired, d } = setup();
    d.trigger(1);
    await clock.advance(50);
    d.trigger(2);
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual([{ at: 150, first: 1 }]);
    await clock.advance(5000);
    expect(fired).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('fires at most 1 s after the first change while changes keep coming', async () => {
    const { clock, fired, d } = setup();
    for (let t = 0; t < 2500; t += 50) {
      d.trigger(t);
      await clock.advance(50);
    }
    expect(fired.map((f) => f.at)).toEqual([1000, 2000]);
    expect(fired.map((f) => f.first)).toEqual([0, 1000]);
  });

  it('flush fires now and cancel drops the burst', async () => {
    const { clock, fired, d } = setup();
    d.trigger(7);
    d.flush();
    expect(fired).toEqual([{ at: 0, first: 7 }]);
    d.trigger(8);
    d.cancel();
    await clock.advance(2000);
    expect(fired).toHaveLength(1);
  });
});
