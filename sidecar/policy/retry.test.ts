import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, WeftError, isWeftError } from '../../common/errors.js';
import { defaultRetries } from '../../common/config/defaults.js';
import type { RetryPolicy } from '../../common/config/types.js';
import type { Handler, Headers, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { contextOn, requestOf, fakeTarget, settle } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { retryBudgets, retryLayer } from './retry.js';

const noJitter = (): number => 0.5;

/** An upstream that plays a script: each entry is a status to answer or an error to throw. */
function scripted(script: (number | WeftError)[], log: { at: number; attempt: number }[], clock: FakeClock): Handler {
  let i = 0;
  return async (_req, ctx) => {
    log.push({ at: clock.now(), attempt: ctx.attempt });
    const step = script[Math.min(i++, script.length - 1)]!;
    if (step instanceof WeftError) throw step;
    return fakeResponse(step);
  };
}

function setup(policy: Partial<RetryPolicy>, script: (number | WeftError)[]) {
  const clock = new FakeClock();
  const log: { at: number; attempt: number }[] = [];
  const events = { retried: [] as string[], exhausted: 0 };
  const budgets = retryBudgets();
  const retries: RetryPolicy = { ...defaultRetries, ...policy };
  const handler = retryLayer({
    retries: () => retries,
    budgets,
    random: noJitter,
    events: { retried: (_c, r) => events.retried.push(r), budgetExhausted: () => events.exhausted++ },
  })(scripted(script, log, clock));
  const run = async (req: ProxyRequest = requestOf(), ctx: RequestContext = contextOn(clock, fakeTarget())) => {
    const p = handler(req, ctx).then((res) => ({ res, ctx }), (err: unknown) => ({ err, ctx }));
    return (await settle(clock, p)) as { res?: ProxyResponse; err?: unknown; ctx: RequestContext };
  };
  return { clock, log, events, run, budgets };
}

describe('retryLayer', () => {
  it('retries a gateway error after a jittered, growing backoff and returns the success', async () => {
    const t = setup({ attempts: 3, backoff: { baseMs: 100, maxMs: 1000 } }, [503, 502, 200]);
    const { res, ctx } = await t.run();
    expect(res?.status).toBe(200);
    expect(ctx.stats.retries).toBe(2);
    // half of 100 ms, then half of 200 ms
    expect(t.log).toEqual([{ at: 0, attempt: 0 }, { at: 50, attempt: 1 }, { at: 150, attempt: 2 }]);
    expect(t.events.retried).toEqual(['gateway-error', 'gateway-error']);
  });

  it('destroys the body of each discarded response so its connection is freed', async () => {
    const clock = new FakeClock();
    const discarded: ProxyResponse[] = [];
    let n = 0;
    const handler = retryLayer({ retries: () => defaultRetries, budgets: retryBudgets(), random: noJitter })(async () => {
      const res = fakeResponse(n++ === 0 ? 503 : 200);
      discarded.push(res);
      return res;
    });
    const p = handler(requestOf(), contextOn(clock, fakeTarget()));
    expect((await settle(clock, p)).status).toBe(200);
    expect(discarded[0]?.body.destroyed).toBe(true);
    expect(discarded[1]?.body.destroyed).toBe(false);
  });

  it('stops after the configured attempts and returns the last response', async () => {
    const t = setup({ attempts: 2 }, [503]);
    const { res, ctx } = await t.run();
    expect(res?.status).toBe(503);
    expect(t.log).toHaveLength(3);
    expect(ctx.stats.retries).toBe(2);
  });

  it('does not retry statuses outside the retry-on list', async () => {
    const t = setup({ on: ['gateway-error'] }, [500, 200]);
    expect((await t.run()).res?.status).toBe(500);
    const u = setup({ on: ['5xx'] }, [500, 200]);
    expect((await u.run()).res?.status).toBe(200);
    const v = setup({ on: ['retriable-status-codes'], statusCodes: [409] }, [409, 200]);
    expect((await v.run()).res?.status).toBe(200);
  });

  it('retries connect failures and resets, recording the error code', async () => {
    const t = setup({ on: ['connect-failure', 'reset'] }, [
      new WeftError(ErrorCodes.CONNECT_FAILED, 'refused'),
      new WeftError(ErrorCodes.UPSTREAM_RESET, 'reset'),
      200,
    ]);
    const { res, ctx } = await t.run();
    expect(res?.status).toBe(200);
    expect(ctx.stats.errorCode).toBe(ErrorCodes.UPSTREAM_RESET);
    const u = setup({ on: ['reset'] }, [new WeftError(ErrorCodes.CONNECT_FAILED, 'refused'), 200]);
    expect(isWeftError((await u.run()).err, ErrorCodes.CONNECT_FAILED)).toBe(true);
  });

  it('names the matched condition as the retry reason (a bounded metric label)', async () => {
    const cases: [Partial<RetryPolicy>, number | WeftError, string][] = [
      [{ on: ['5xx'] }, 500, '5xx'],
      [{ on: ['5xx', 'gateway-error'] }, 503, 'gateway-error'],
      [{ on: ['retriable-status-codes'], statusCodes: [409] }, 409, 'retriable-status-codes'],
      [{ on: ['gateway-error'] }, new WeftError(ErrorCodes.CONNECT_TIMEOUT, 'x'), 'connect-failure'],
      [{ on: ['5xx'] }, new WeftError(ErrorCodes.UPSTREAM_RESET, 'x'), 'reset'],
      [{ on: ['5xx'] }, new WeftError(ErrorCodes.PER_TRY_TIMEOUT, 'x'), 'per-try-timeout'],
    ];
    for (const [policy, first, reason] of cases) {
      const t = setup({ ...policy, attempts: 1 }, [first, 200]);
      await t.run();
      expect(t.events.retried, reason).toEqual([reason]);
    }
  });

  it('retries a per-try timeout under gateway-error', async () => {
    const t = setup({ on: ['gateway-error'] }, [new WeftError(ErrorCodes.PER_TRY_TIMEOUT, 'slow'), 200]);
    expect((await t.run()).res?.status).toBe(200);
  });

  it('retries only idempotent methods unless retryNonIdempotent', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']) {
      const t = setup({}, [503, 200]);
      expect((await t.run(requestOf(method))).res?.status, method).toBe(200);
    }
    for (const method of ['POST', 'PATCH']) {
      const t = setup({}, [503, 200]);
      expect((await t.run(requestOf(method, 'replayable'))).res?.status, method).toBe(503);
      expect(t.log).toHaveLength(1);
    }
    const allowed = setup({ retryNonIdempotent: true }, [503, 200]);
    expect((await allowed.run(requestOf('POST', 'replayable'))).res?.status).toBe(200);
  });

  it('never retries a body that is no longer replayable', async () => {
    const t = setup({}, [503, 200]);
    expect((await t.run(requestOf('PUT', 'too-big'))).res?.status).toBe(503);
    const u = setup({}, [503, 200]);
    expect((await u.run(requestOf('PUT', 'replayable'))).res?.status).toBe(200);
  });

  it('retries listed gRPC statuses from a trailers-only response', async () => {
    const clock = new FakeClock();
    const answers = [{ 'grpc-status': '14' }, { 'grpc-status': '5' }];
    const handler = retryLayer({ retries: () => defaultRetries, budgets: retryBudgets(), random: noJitter })(async () =>
      fakeResponse(200, [], answers.shift() ?? {}),
    );
    const p = handler(requestOf('POST'), contextOn(clock, fakeTarget()));
    // gRPC calls are POSTs: without retryNonIdempotent, UNAVAILABLE (14) is returned as is.
    expect((await settle(clock, p)).headers['grpc-status']).toBe('14');
    const grpcPolicy = { ...defaultRetries, retryNonIdempotent: true };
    const answers2: Headers[] = [{ 'grpc-status': '14' }, { 'grpc-status': '5' }, {}];
    const h2 = retryLayer({ retries: () => grpcPolicy, budgets: retryBudgets(), random: noJitter })(async () =>
      fakeResponse(200, [], answers2.shift() ?? {}),
    );
    const q = h2(requestOf('POST'), contextOn(clock, fakeTarget()));
    // UNAVAILABLE is retried; NOT_FOUND (5) is not in the list and is returned as is.
    expect((await settle(clock, q)).headers['grpc-status']).toBe('5');
  });

  it('stops retrying when the budget is exhausted, and recovers when the window slides', async () => {
    const budget = { ratio: 0, minPerSecond: 1, windowMs: 2000 }; // 2 retries per window
    const t = setup({ attempts: 1, budget }, [503]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.run()).res!.status);
    expect(t.log).toHaveLength(4 + 2);
    expect(t.events.exhausted).toBe(2);
    await t.clock.advance(2000);
    t.log.length = 0;
    await t.run();
    expect(t.log).toHaveLength(2);
  });

  it('does not start a retry that cannot finish before the deadline', async () => {
    const t = setup({ attempts: 3, backoff: { baseMs: 100, maxMs: 100 } }, [503]);
    const ctx = contextOn(t.clock, fakeTarget());
    ctx.deadline = 90; // the first backoff (50 ms) fits, the second would end at 50 + 50 > 90
    const { res } = await t.run(requestOf(), ctx);
    expect(res?.status).toBe(503);
    expect(t.log.map((l) => l.at)).toEqual([0, 50]);
  });

  it('stops when the client goes away during the backoff', async () => {
    const clock = new FakeClock();
    const client = new AbortController();
    let tries = 0;
    const handler = retryLayer({ retries: () => defaultRetries, budgets: retryBudgets(), random: () => 0.99 })(async () => {
      tries++;
      return fakeResponse(503);
    });
    const p = handler(requestOf(), contextOn(clock, fakeTarget(), client.signal)).catch((e: unknown) => e);
    await clock.advance(5);
    client.abort(new Error('client gone'));
    expect(((await p) as Error).message).toBe('client gone');
    await clock.advance(1000);
    expect(tries).toBe(1);
  });

  it('passes through when no policy applies or attempts are 0', async () => {
    const t = setup({ attempts: 0 }, [503, 200]);
    expect((await t.run()).res?.status).toBe(503);
    expect(t.log).toHaveLength(1);
  });
});
