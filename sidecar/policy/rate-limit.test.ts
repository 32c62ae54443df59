import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, isWeftError, type WeftError } from '../../common/errors.js';
import type { RateLimitPolicy } from '../../common/config/types.js';
import { contextOn, requestOf, fakeTarget } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { TokenBucket, rateLimitLayer, tokenBuckets } from './rate-limit.js';

describe('TokenBucket', () => {
  const policy: RateLimitPolicy = { requestsPerSecond: 10, burst: 5 };

  it('starts full, empties after the burst, and refills at the rate up to the burst', () => {
    const b = new TokenBucket();
    const takes = (now: number, n: number): number => Array.from({ length: n }, () => b.take(now, policy)).filter(Boolean).length;
    expect(takes(0, 10)).toBe(5);
    expect(takes(99, 1)).toBe(0); // 0.99 tokens
    expect(takes(100, 1)).toBe(1);
    expect(takes(350, 10)).toBe(2); // 2.5 tokens refilled
    expect(takes(60_000, 10)).toBe(5); // never more than the burst
  });
});

describe('rateLimitLayer', () => {
  it('answers RATE_LIMITED (429) over the limit, per service, and recovers on the clock', async () => {
    const clock = new FakeClock();
    const buckets = tokenBuckets();
    let limited = 0;
    let passed = 0;
    const handler = rateLimitLayer({ rateLimit: () => ({ requestsPerSecond: 2, burst: 2 }), buckets, events: { rateLimited: () => limited++ } })(
      async () => {
        passed++;
        return fakeResponse(200);
      },
    );
    const reviews = fakeTarget({ name: 'reviews' });
    const ratings = fakeTarget({ name: 'ratings' });
    const send = (target = reviews) => handler(requestOf(), contextOn(clock, target)).then((r) => r.status, (e: WeftError) => e);
    expect(await send()).toBe(200);
    expect(await send()).toBe(200);
    const err = await send();
    expect(isWeftError(err, ErrorCodes.RATE_LIMITED)).toBe(true);
    expect((err as WeftError).status).toBe(429);
    expect(await send(ratings)).toBe(200); // another service has its own bucket
    await clock.advance(500);
    expect(await send()).toBe(200);
    expect(passed).toBe(4);
    expect(limited).toBe(1);
  });
});
