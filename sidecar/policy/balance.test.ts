import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, WeftError, isWeftError } from '../../common/errors.js';
import { seededRandom } from '../../common/random.js';
import type { LoadBalancerPolicy } from '../../common/config/types.js';
import type { Handler } from '../pipeline/types.js';
import { endpoint, endpoints, contextOn, requestOf, fakeTarget, openResponse } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { endpointSetFor, endpointSets } from '../balancer/endpoint-set.js';
import { balanceLayer } from './balance.js';

function layer(policy: LoadBalancerPolicy = { algorithm: 'round-robin' }, sets = endpointSets()) {
  return { sets, wrap: (next: Handler) => balanceLayer({ sets, loadBalancer: () => policy, random: seededRandom(1) })(next) };
}

describe('balanceLayer', () => {
  it('sets the endpoint and upstream for the forwarder', async () => {
    const clock = new FakeClock();
    const { wrap } = layer();
    const seen: string[] = [];
    const handler = wrap(async (_req, ctx) => {
      seen.push(`${ctx.endpoint?.address}:${ctx.endpoint?.port}`);
      return fakeResponse(200);
    });
    const target = fakeTarget({ endpoints: endpoints(2) });
    const ctx = contextOn(clock, target);
    await handler(requestOf(), ctx);
    await handler(requestOf(), contextOn(clock, target));
    expect(seen).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(ctx.stats.upstream).toBe('10.0.0.1:8080');
  });

  it('counts a request in flight until its response body ends, and records latency to headers', async () => {
    const clock = new FakeClock();
    const { wrap, sets } = layer();
    const target = fakeTarget({ endpoints: endpoints(1) });
    const open = openResponse();
    const handler = wrap(async () => {
      await clock.sleep(25);
      return open.res;
    });
    const p = handler(requestOf(), contextOn(clock, target));
    const state = endpointSetFor(sets, target).get('10.0.0.1:8080')!;
    await clock.advance(0);
    expect(state.inFlight).toBe(1);
    await clock.advance(25);
    await p;
    expect(state.latencyMs).toBe(25);
    expect(state.inFlight).toBe(1);
    open.end();
    await new Promise((r) => setImmediate(r));
    expect(state.inFlight).toBe(0);
  });

  it('releases in-flight on failure and penalises a fast failure in the latency estimate', async () => {
    const clock = new FakeClock();
    const { wrap, sets } = layer();
    const target = fakeTarget({ endpoints: endpoints(1) });
    const handler = wrap(async () => {
      throw new WeftError(ErrorCodes.CONNECT_FAILED, 'refused');
    });
    await expect(handler(requestOf(), contextOn(clock, target))).rejects.toThrow('refused');
    const state = endpointSetFor(sets, target).get('10.0.0.1:8080')!;
    expect(state.inFlight).toBe(0);
    expect(state.latencyMs).toBe(1000);
  });

  it('does not let a response that failed at its headers make the latency estimate faster', async () => {
    // The same history for two endpoints, 40 ms then, 10 s later, a 2 ms answer: a 503 or a 200.
    const estimateAfter = async (status: number): Promise<number> => {
      const clock = new FakeClock();
      const { wrap, sets } = layer();
      const target = fakeTarget({ endpoints: endpoints(1) });
      const answers: [number, number][] = [[40, 200], [2, status]];
      const handler = wrap(async () => {
        const [ms, code] = answers.shift()!;
        await clock.sleep(ms);
        return fakeResponse(code);
      });
      for (const ms of [40, 2]) {
        const p = handler(requestOf(), contextOn(clock, target));
        await clock.advance(ms);
        await p;
        await clock.advance(10_000);
      }
      return endpointSetFor(sets, target).get('10.0.0.1:8080')!.latencyMs!;
    };
    const afterSuccess = await estimateAfter(200);
    const afterFailure = await estimateAfter(503);
    // A fast success pulls the estimate towards 2 ms; a fast failure only lets it fade as time does.
    expect(afterSuccess).toBeLessThan(16.1);
    expect(afterFailure).toBeGreaterThan(20);
  });

  it('fails with NO_HEALTHY_ENDPOINT (503) when every endpoint is ejected or not ready', async () => {
    const clock = new FakeClock();
    const { wrap, sets } = layer();
    const target = fakeTarget({ endpoints: [endpoint('10.0.0.1'), { ...endpoint('10.0.0.2'), ready: false }] });
    endpointSetFor(sets, target).get('10.0.0.1:8080')!.ejectedUntil = 1000;
    let called = false;
    const handler = wrap(async () => {
      called = true;
      return fakeResponse(200);
    });
    const ctx = contextOn(clock, target);
    const err = await handler(requestOf(), ctx).catch((e: unknown) => e);
    expect(isWeftError(err, ErrorCodes.NO_HEALTHY_ENDPOINT)).toBe(true);
    expect((err as WeftError).status).toBe(503);
    expect((err as Error).message).toContain('2 known, 1 ready, 1 ejected');
    expect(ctx.stats.errorCode).toBe(ErrorCodes.NO_HEALTHY_ENDPOINT);
    expect(called).toBe(false);
    const empty = fakeTarget({ endpoints: [] });
    await expect(handler(requestOf(), contextOn(clock, empty))).rejects.toThrow('has no endpoints');
  });

  it('applies an endpoint update without disturbing requests in flight on removed endpoints', async () => {
    const clock = new FakeClock();
    const { wrap, sets } = layer();
    const target = fakeTarget({ endpoints: endpoints(2) });
    const bodies: ReturnType<typeof openResponse>[] = [];
    const handler = wrap(async () => {
      const open = openResponse();
      bodies.push(open);
      return open.res;
    });
    const first = await handler(requestOf(), contextOn(clock, target)); // 10.0.0.1
    const old = endpointSetFor(sets, target).get('10.0.0.1:8080')!;
    target.service.ports[0]!.endpoints = [endpoint('10.0.0.2'), endpoint('10.0.0.3')];
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ctx = contextOn(clock, target);
      await handler(requestOf(), ctx);
      picked.push(ctx.stats.upstream!);
    }
    expect(picked.sort()).toEqual(['10.0.0.2:8080', '10.0.0.2:8080', '10.0.0.3:8080', '10.0.0.3:8080']);
    expect(old.removed).toBe(true);
    expect(old.inFlight).toBe(1);
    // the old request's body still streams and finishes normally
    bodies[0]!.res.body.resume();
    bodies[0]!.end();
    await new Promise((r) => setImmediate(r));
    expect(first.body.readableEnded).toBe(true);
    expect(old.inFlight).toBe(0);
    const set = endpointSetFor(sets, target);
    expect(set.all().map((e) => e.key)).toEqual(['10.0.0.2:8080', '10.0.0.3:8080']);
    expect(set.get('10.0.0.2:8080')!.inFlight + set.get('10.0.0.3:8080')!.inFlight).toBe(4);
  });

  it('consistent hash on a cookie sets one when absent and sticks to it', async () => {
    const clock = new FakeClock();
    const policy: LoadBalancerPolicy = { algorithm: 'consistent-hash', hashOn: { cookie: { name: 'weft-affinity', ttlMs: 3_600_000 } } };
    const { wrap } = layer(policy);
    const target = fakeTarget({ endpoints: endpoints(5) });
    const handler = wrap(async () => fakeResponse(200));
    const ctx = contextOn(clock, target);
    const res = await handler(requestOf(), ctx);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^weft-affinity=[0-9a-f]{16}; Path=\/; HttpOnly; Max-Age=3600$/);
    const value = cookie.split(';')[0]!;
    for (let i = 0; i < 10; i++) {
      const again = contextOn(clock, target);
      const r = await handler(requestOf('GET', 'empty', { cookie: `other=1; ${value}` }), again);
      expect(again.stats.upstream).toBe(ctx.stats.upstream);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('consistent hash on a header sends equal values to one endpoint', async () => {
    const clock = new FakeClock();
    const { wrap } = layer({ algorithm: 'consistent-hash', hashOn: { header: 'x-user' } });
    const target = fakeTarget({ endpoints: endpoints(5) });
    const handler = wrap(async () => fakeResponse(200));
    const upstreamOf = async (user: string): Promise<string | undefined> => {
      const ctx = contextOn(clock, target);
      await handler(requestOf('GET', 'empty', { 'x-user': user }), ctx);
      return ctx.stats.upstream;
    };
    const alice = await upstreamOf('alice');
    for (let i = 0; i < 10; i++) expect(await upstreamOf('alice')).toBe(alice);
    const users = new Set(await Promise.all(Array.from({ length: 50 }, (_, i) => upstreamOf(`user-${i}`))));
    expect(users.size).toBeGreaterThan(1);
  });
});

describe('balanceLayer and failed tries', () => {
  const grpcHead = { 'content-type': 'application/grpc' };

  it('sends a retry to an endpoint the request has not tried, with every algorithm', async () => {
    const policies: LoadBalancerPolicy[] = [
      { algorithm: 'round-robin' },
      { algorithm: 'random' },
      { algorithm: 'p2c-ewma' },
      { algorithm: 'consistent-hash', hashOn: { header: 'x-user' } },
    ];
    for (const policy of policies) {
      const clock = new FakeClock();
      const { wrap } = layer(policy);
      const target = fakeTarget({ endpoints: endpoints(3) });
      const handler = wrap(async () => fakeResponse(200));
      for (let i = 0; i < 20; i++) {
        const ctx = contextOn(clock, target);
        const req = requestOf('GET', 'empty', { 'x-user': `user-${i}` });
        const seen: string[] = [];
        for (let attempt = 0; attempt < 3; attempt++) {
          await handler(req, ctx);
          seen.push(ctx.stats.upstream!);
          (ctx.triedEndpoints ??= []).push(ctx.stats.upstream!);
        }
        expect(new Set(seen).size, `${policy.algorithm}: ${seen.join(' ')}`).toBe(3);
      }
    }
  });

  it('goes back to a tried endpoint when no other is available', async () => {
    const clock = new FakeClock();
    const { wrap, sets } = layer({ algorithm: 'p2c-ewma' });
    const target = fakeTarget({ endpoints: endpoints(2) });
    endpointSetFor(sets, target).get('10.0.0.2:8080')!.ejectedUntil = 60_000;
    const handler = wrap(async () => fakeResponse(200));
    const ctx = contextOn(clock, target);
    ctx.triedEndpoints = ['10.0.0.1:8080'];
    await handler(requestOf(), ctx);
    expect(ctx.stats.upstream).toBe('10.0.0.1:8080');
  });

  it('counts a gRPC status from the trailers in the failure share and reports its cause', async () => {
    const clock = new FakeClock();
    const sets = endpointSets();
    const failed: string[] = [];
    const wrap = balanceLayer({ sets, loadBalancer: () => ({ algorithm: 'round-robin' }), random: seededRandom(1), events: { tryFailed: (_t, cause) => failed.push(cause) } });
    const target = fakeTarget({ endpoints: endpoints(1) });
    const statuses = ['14', '5', '0'];
    const handler = wrap(async () => fakeResponse(200, ['reply'], grpcHead, { 'grpc-status': statuses.shift()! }));
    const state = endpointSetFor(sets, target).get('10.0.0.1:8080')!;
    (await handler(requestOf('POST'), contextOn(clock, target))).body.resume();
    await new Promise((r) => setImmediate(r));
    expect(failed).toEqual(['grpc:UNAVAILABLE']);
    expect(state.failureShare(0)).toBeCloseTo(0.3);
    // NOT_FOUND and OK are answers, not failures: the share comes down.
    for (let i = 0; i < 2; i++) (await handler(requestOf('POST'), contextOn(clock, target))).body.resume();
    await new Promise((r) => setImmediate(r));
    expect(failed).toEqual(['grpc:UNAVAILABLE']);
    expect(state.failureShare(0)).toBeCloseTo(0.3 * 0.7 * 0.7);
  });

  it('counts 5xx and connect failures as failed tries, and a client leaving as nothing', async () => {
    const clock = new FakeClock();
    const { wrap, sets } = layer();
    const target = fakeTarget({ endpoints: endpoints(1) });
    const outcomes: (number | WeftError)[] = [503, new WeftError(ErrorCodes.CONNECT_FAILED, 'refused'), new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted')];
    const handler = wrap(async () => {
      const next = outcomes.shift()!;
      if (next instanceof WeftError) throw next;
      return fakeResponse(next);
    });
    const state = endpointSetFor(sets, target).get('10.0.0.1:8080')!;
    await handler(requestOf(), contextOn(clock, target));
    await handler(requestOf(), contextOn(clock, target)).catch(() => undefined);
    expect(state.failureShare(0)).toBeCloseTo(0.51);
    const gone = new AbortController();
    gone.abort(new WeftError(ErrorCodes.BAD_REQUEST, 'client went away'));
    await handler(requestOf(), contextOn(clock, target, gone.signal)).catch(() => undefined);
    expect(state.failureShare(0)).toBeCloseTo(0.51);
  });
});
