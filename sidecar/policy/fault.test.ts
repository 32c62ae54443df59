import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, isWeftError, type WeftError } from '../../common/errors.js';
import { seededRandom } from '../../common/random.js';
import type { FaultPolicy } from '../../common/config/types.js';
import { contextOn, requestOf, fakeTarget, settle } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { faultLayer } from './fault.js';

function setup(fault: FaultPolicy, seed = 42) {
  const clock = new FakeClock();
  const events = { delay: 0, abort: 0 };
  const handler = faultLayer({ fault: () => fault, random: seededRandom(seed), events: { faultInjected: (_c, k) => events[k]++ } })(
    async () => fakeResponse(200),
  );
  return { clock, events, handler };
}

describe('faultLayer', () => {
  it('aborts about the configured share of requests with the configured status', async () => {
    const t = setup({ abort: { percent: 25, status: 418 } });
    let aborted = 0;
    for (let i = 0; i < 4000; i++) {
      const outcome = await t.handler(requestOf(), contextOn(t.clock, fakeTarget())).catch((e: WeftError) => e);
      if (isWeftError(outcome, ErrorCodes.FAULT_INJECTED)) {
        expect(outcome.status).toBe(418);
        aborted++;
      }
    }
    expect(aborted / 4000).toBeGreaterThan(0.23);
    expect(aborted / 4000).toBeLessThan(0.27);
    expect(t.events.abort).toBe(aborted);
  });

  it('delays about the configured share of requests by the configured time on the clock', async () => {
    const t = setup({ delay: { percent: 50, durationMs: 200 } });
    const timings: number[] = [];
    for (let i = 0; i < 400; i++) {
      const start = t.clock.now();
      await settle(t.clock, t.handler(requestOf(), contextOn(t.clock, fakeTarget())), 1000, 100);
      timings.push(t.clock.now() - start);
    }
    const delayed = timings.filter((ms) => ms === 200).length;
    expect(timings.every((ms) => ms === 0 || ms === 200)).toBe(true);
    expect(delayed / 400).toBeGreaterThan(0.43);
    expect(delayed / 400).toBeLessThan(0.57);
    expect(t.events.delay).toBe(delayed);
  });

  it('cuts an injected delay short when the client goes away', async () => {
    const t = setup({ delay: { percent: 100, durationMs: 10_000 } });
    const client = new AbortController();
    const p = t.handler(requestOf(), contextOn(t.clock, fakeTarget(), client.signal)).catch((e: Error) => e.message);
    await t.clock.advance(10);
    client.abort(new Error('gone'));
    expect(await p).toBe('gone');
    expect(t.clock.pending()).toBe(0);
  });

  it('is deterministic for a seed and does nothing at 0 percent', async () => {
    const run = async (seed: number, percent: number): Promise<string> => {
      const t = setup({ abort: { percent, status: 503 } }, seed);
      let out = '';
      for (let i = 0; i < 50; i++) out += await t.handler(requestOf(), contextOn(t.clock, fakeTarget())).then(() => '.', () => 'x');
      return out;
    };
    expect(await run(7, 30)).toBe(await run(7, 30));
    expect(await run(7, 0)).toBe('.'.repeat(50));
    expect(await run(7, 100)).toBe('x'.repeat(50));
  });
});
