import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, isWeftError } from '../../common/errors.js';
import type { Handler, RequestContext } from '../pipeline/types.js';
import { contextOn, requestOf, fakeTarget } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { grpcTimeoutMs, perTryTimeoutLayer, requestTimeoutLayer } from './timeout.js';
import { RequestAbort } from '../pipeline/request-abort.js';

/** An upstream that answers after `ms` on the clock, or fails when its signal aborts first. */
function slowUpstream(clock: FakeClock, ms: number, seen: RequestContext[] = []): Handler {
  return async (_req, ctx) => {
    seen.push(ctx);
    await clock.sleep(ms, ctx.signal);
    return fakeResponse(200);
  };
}

describe('requestTimeoutLayer', () => {
  it('fails with REQUEST_TIMEOUT (504) at exactly the configured fake time and aborts the try', async () => {
    const clock = new FakeClock();
    const seen: RequestContext[] = [];
    const handler = requestTimeoutLayer({ requestMs: () => 100 })(slowUpstream(clock, 1000, seen));
    const ctx = contextOn(clock, fakeTarget());
    const outcome = handler(requestOf(), ctx).catch((e: unknown) => e);
    await clock.advance(99);
    expect(seen[0]?.signal.aborted).toBe(false);
    await clock.advance(1);
    const err = await outcome;
    expect(isWeftError(err, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    expect((err as { status: number }).status).toBe(504);
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(ctx.stats.errorCode).toBe(ErrorCodes.REQUEST_TIMEOUT);
    expect(clock.pending()).toBe(0);
  });

  it('sets the deadline for inner layers and passes a fast response through, cancelling its timer', async () => {
    const clock = new FakeClock(500);
    const seen: RequestContext[] = [];
    const handler = requestTimeoutLayer({ requestMs: () => 100 })(slowUpstream(clock, 40, seen));
    const ctx = contextOn(clock, fakeTarget());
    const res = handler(requestOf(), ctx);
    await clock.advance(40);
    expect((await res).status).toBe(200);
    expect(seen[0]?.deadline).toBe(600);
    expect(seen[0]).not.toBe(ctx);
    expect(clock.pending()).toBe(0);
  });

  it('keeps an earlier deadline set further out', async () => {
    const clock = new FakeClock();
    const seen: RequestContext[] = [];
    const handler = requestTimeoutLayer({ requestMs: () => 100 })(slowUpstream(clock, 1000, seen));
    const ctx = contextOn(clock, fakeTarget());
    ctx.deadline = 30;
    const outcome = handler(requestOf(), ctx).catch((e: unknown) => e);
    await clock.advance(30);
    expect(isWeftError(await outcome, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
  });

  it('does nothing when no request timeout is configured', async () => {
    const clock = new FakeClock();
    const seen: RequestContext[] = [];
    const ctx = contextOn(clock, fakeTarget());
    const res = requestTimeoutLayer({ requestMs: () => 0 })(slowUpstream(clock, 10_000, seen))(requestOf(), ctx);
    await clock.advance(10_000);
    expect((await res).status).toBe(200);
    expect(seen[0]).toBe(ctx);
  });

  it('destroys the body of a response that arrives after the deadline', async () => {
    const clock = new FakeClock();
    const late = fakeResponse(200);
    let release: () => void = () => undefined;
    const handler = requestTimeoutLayer({ requestMs: () => 10 })(() => new Promise((resolve) => (release = () => resolve(late))));
    const outcome = handler(requestOf(), contextOn(clock, fakeTarget())).catch((e: unknown) => e);
    await clock.advance(10);
    expect(isWeftError(await outcome, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    release();
    await clock.advance(0);
    expect(late.body.destroyed).toBe(true);
  });
});

describe('grpc-timeout', () => {
  it('parses the gRPC deadline header', () => {
    expect(grpcTimeoutMs('250m')).toBe(250);
    expect(grpcTimeoutMs('2S')).toBe(2000);
    expect(grpcTimeoutMs('1M')).toBe(60_000);
    expect(grpcTimeoutMs('1H')).toBe(3_600_000);
    expect(grpcTimeoutMs('1500u')).toBe(2);
    expect(grpcTimeoutMs('5n')).toBe(1);
    for (const bad of [undefined, '', '10', 'S', '123456789S', '1.5S', '10s', '-1S']) expect(grpcTimeoutMs(bad), String(bad)).toBeUndefined();
  });

  it("applies the client's deadline when it is shorter than the configured one, and not when longer", async () => {
    const clock = new FakeClock();
    const handler = requestTimeoutLayer({ requestMs: () => 1000 })(slowUpstream(clock, 10_000));
    const short = handler(requestOf('POST', 'empty', { 'grpc-timeout': '100m' }), contextOn(clock, fakeTarget())).catch((e: unknown) => e);
    const long = handler(requestOf('POST', 'empty', { 'grpc-timeout': '5S' }), contextOn(clock, fakeTarget())).catch((e: unknown) => e);
    let shortDone = false;
    void short.then(() => (shortDone = true));
    await clock.advance(99);
    expect(shortDone).toBe(false);
    await clock.advance(1);
    expect(isWeftError(await short, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    await clock.advance(900);
    expect(isWeftError(await long, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    expect(clock.now()).toBe(1000);
    const unconfigured = requestTimeoutLayer({ requestMs: () => 0 })(slowUpstream(clock, 10_000));
    const only = unconfigured(requestOf('POST', 'empty', { 'grpc-timeout': '50m' }), contextOn(clock, fakeTarget())).catch((e: unknown) => e);
    await clock.advance(50);
    expect(isWeftError(await only, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
  });
});

describe('timeouts and the context', () => {
  it('what layers inside a timeout record reaches the layers outside it', async () => {
    const clock = new FakeClock();
    const inner: Handler = async (_req, ctx) => {
      ctx.endpoint = { address: '10.0.0.7', port: 80, weight: 1, ready: true };
      ctx.attempt = 2;
      ctx.stats.retries = 2;
      return fakeResponse(200);
    };
    const handler = requestTimeoutLayer({ requestMs: () => 100 })(perTryTimeoutLayer({ perTryMs: () => 50 })(inner));
    const ctx = contextOn(clock, fakeTarget());
    await handler(requestOf(), ctx);
    expect(ctx.endpoint?.address).toBe('10.0.0.7');
    expect(ctx.attempt).toBe(2);
    expect(ctx.stats.retries).toBe(2);
    expect(ctx.deadline).toBe(100);
    expect(ctx.signal.aborted).toBe(false);
  });
});

describe('perTryTimeoutLayer', () => {
  it('fails one try with PER_TRY_TIMEOUT and leaves the parent signal alone', async () => {
    const clock = new FakeClock();
    const seen: RequestContext[] = [];
    const handler = perTryTimeoutLayer({ perTryMs: () => 50 })(slowUpstream(clock, 1000, seen));
    const ctx = contextOn(clock, fakeTarget());
    const outcome = handler(requestOf(), ctx).catch((e: unknown) => e);
    await clock.advance(49);
    expect(seen[0]?.signal.aborted).toBe(false);
    await clock.advance(1);
    const err = await outcome;
    expect(isWeftError(err, ErrorCodes.PER_TRY_TIMEOUT)).toBe(true);
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(ctx.signal.aborted).toBe(false);
  });

  it('passes the client going away through to the try', async () => {
    const clock = new FakeClock();
    const client = new AbortController();
    const seen: RequestContext[] = [];
    const handler = perTryTimeoutLayer({ perTryMs: () => 50 })(slowUpstream(clock, 1000, seen));
    const outcome = handler(requestOf(), contextOn(clock, fakeTarget(), client.signal)).catch((e: unknown) => e);
    await clock.advance(10);
    client.abort(new Error('client gone'));
    expect((await outcome as Error).message).toBe('client gone');
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(clock.pending()).toBe(0);
  });
});

describe('requestTimeoutLayer on a frontend context', () => {
  it('aborts the request controller itself, with no derived context, and stops its timer on a response', async () => {
    const clock = new FakeClock();
    const seen: RequestContext[] = [];
    const requestAbort = new RequestAbort();
    const handler = requestTimeoutLayer({ requestMs: () => 100 })(slowUpstream(clock, 1000, seen));
    const ctx = { ...contextOn(clock, fakeTarget(), requestAbort.signal), requestAbort };
    const outcome = handler(requestOf(), ctx).catch((e: unknown) => e);
    expect(seen[0]).toBe(ctx);
    expect(ctx.deadline).toBe(100);
    await clock.advance(100);
    expect(isWeftError(await outcome, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    expect(isWeftError(requestAbort.signal.reason, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);

    const fast = new RequestAbort();
    const quick = requestTimeoutLayer({ requestMs: () => 100 })(slowUpstream(clock, 10));
    const res = quick(requestOf(), { ...contextOn(clock, fakeTarget(), fast.signal), requestAbort: fast });
    await clock.advance(10);
    expect((await res).status).toBe(200);
    expect(fast.signal.aborted).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('keeps a derived signal for the per-try timeout, so one slow try does not end the request', async () => {
    const clock = new FakeClock();
    const seen: RequestContext[] = [];
    const requestAbort = new RequestAbort();
    const handler = perTryTimeoutLayer({ perTryMs: () => 50 })(slowUpstream(clock, 1000, seen));
    const outcome = handler(requestOf(), { ...contextOn(clock, fakeTarget(), requestAbort.signal), requestAbort }).catch((e: unknown) => e);
    await clock.advance(50);
    expect(isWeftError(await outcome, ErrorCodes.PER_TRY_TIMEOUT)).toBe(true);
    expect(seen[0]?.signal.aborted).toBe(true);
    expect(requestAbort.signal.aborted).toBe(false);
  });
});
