import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, WeftError, isWeftError } from '../../common/errors.js';
import { seededRandom } from '../../common/random.js';
import type { OutlierPolicy } from '../../common/config/types.js';
import { defaultOutlier } from '../../common/config/defaults.js';
import { compose, type Handler, type ProxyResponse, type Target } from '../pipeline/types.js';
import { endpoints, contextOn, requestOf, fakeTarget } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { endpointSetFor, endpointSets } from '../balancer/endpoint-set.js';
import { balanceLayer } from './balance.js';
import { outlierLayer } from './outlier.js';

const policy: OutlierPolicy = { ...defaultOutlier, consecutiveFailures: 3, baseEjectionMs: 1000, maxEjectionMs: 2500, maxEjectionPercent: 50 };

/** outlier -> round-robin balance -> an upstream whose behaviour per endpoint the test controls. */
function setup(target: Target, outlier: OutlierPolicy = policy) {
  const clock = new FakeClock();
  const sets = endpointSets();
  const failing = new Map<string, number | WeftError | (() => ProxyResponse)>();
  const ejected: { key: string; durationMs: number }[] = [];
  const restored: string[] = [];
  const upstream: Handler = async (_req, ctx) => {
    const behaviour = failing.get(`${ctx.endpoint!.address}:${ctx.endpoint!.port}`) ?? 200;
    if (behaviour instanceof WeftError) throw behaviour;
    return typeof behaviour === 'function' ? behaviour() : fakeResponse(behaviour);
  };
  const handler = compose(
    [
      outlierLayer({
        outlier: () => outlier,
        sets,
        events: {
          ejected: (e, info) => ejected.push({ key: `${e.address}:${e.port}`, durationMs: info.durationMs }),
          restored: (e) => restored.push(`${e.address}:${e.port}`),
        },
      }),
      balanceLayer({ sets, loadBalancer: () => ({ algorithm: 'round-robin' }), random: seededRandom(1) }),
    ],
    upstream,
  );
  const send = async (): Promise<string> => {
    const ctx = contextOn(clock, target);
    try {
      const res = await handler(requestOf(), ctx);
      return `${ctx.stats.upstream} ${res.status}`;
    } catch (err) {
      return isWeftError(err) ? `${ctx.stats.upstream ?? '-'} ${err.code}` : String(err);
    }
  };
  const state = (key: string) => endpointSetFor(sets, target).get(key)!;
  return { clock, failing, ejected, restored, send, state };
}

describe('outlierLayer', () => {
  it('ejects after consecutive 5xx, skips the endpoint, and brings it back after the ejection time', async () => {
    const t = setup(fakeTarget({ endpoints: endpoints(3) }));
    t.failing.set('10.0.0.1:8080', 503);
    for (let i = 0; i < 9; i++) await t.send(); // round robin: 3 failures on 10.0.0.1
    expect(t.ejected).toEqual([{ key: '10.0.0.1:8080', durationMs: 1000 }]);
    const during = await Promise.all(Array.from({ length: 6 }, () => t.send()));
    expect(during.every((r) => !r.startsWith('10.0.0.1:'))).toBe(true);

    t.failing.delete('10.0.0.1:8080');
    await t.clock.advance(1000);
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await t.send());
    expect(after.filter((r) => r.startsWith('10.0.0.1:'))).toHaveLength(2);
    expect(t.restored).toEqual(['10.0.0.1:8080']);
    expect(t.state('10.0.0.1:8080').probation).toBe(false);
  });

  it('a success resets the consecutive count', async () => {
    const t = setup(fakeTarget({ endpoints: endpoints(1) }), { ...policy, maxEjectionPercent: 100 });
    t.failing.set('10.0.0.1:8080', 500);
    await t.send();
    await t.send();
    t.failing.delete('10.0.0.1:8080');
    await t.send();
    t.failing.set('10.0.0.1:8080', 500);
    await t.send();
    await t.send();
    expect(t.ejected).toHaveLength(0);
    await t.send();
    expect(t.ejected).toHaveLength(1);
  });

  it('counts connect failures, resets and timeouts, not 4xx or local errors', async () => {
    for (const code of [ErrorCodes.CONNECT_FAILED, ErrorCodes.UPSTREAM_RESET, ErrorCodes.PER_TRY_TIMEOUT]) {
      const t = setup(fakeTarget({ endpoints: endpoints(2) }));
      t.failing.set('10.0.0.1:8080', new WeftError(code, 'x'));
      for (let i = 0; i < 6; i++) await t.send();
      expect(t.ejected.map((e) => e.key), code).toEqual(['10.0.0.1:8080']);
    }
    const t = setup(fakeTarget({ endpoints: endpoints(2) }));
    t.failing.set('10.0.0.1:8080', 404);
    for (let i = 0; i < 10; i++) await t.send();
    t.failing.set('10.0.0.1:8080', new WeftError(ErrorCodes.BAD_REQUEST, 'x'));
    for (let i = 0; i < 10; i++) await t.send();
    expect(t.ejected).toHaveLength(0);
  });

  it('counts a listed gRPC status, from a trailers-only response or from the trailers, and no other status', async () => {
    const grpc = (status: string, trailersOnly: boolean) => (): ProxyResponse =>
      trailersOnly
        ? fakeResponse(200, [], { 'content-type': 'application/grpc', 'grpc-status': status })
        : fakeResponse(200, ['message'], { 'content-type': 'application/grpc' }, { 'grpc-status': status });
    for (const trailersOnly of [true, false]) {
      const t = setup(fakeTarget({ endpoints: endpoints(2) }));
      t.failing.set('10.0.0.1:8080', grpc('14', trailersOnly)); // UNAVAILABLE
      for (let i = 0; i < 6; i++) await t.send();
      expect(t.ejected.map((e) => e.key), `trailers-only ${trailersOnly}`).toEqual(['10.0.0.1:8080']);
    }
    const answers = setup(fakeTarget({ endpoints: endpoints(2) }));
    answers.failing.set('10.0.0.1:8080', grpc('5', false)); // NOT_FOUND is an answer
    for (let i = 0; i < 10; i++) await answers.send();
    expect(answers.ejected).toHaveLength(0);
    const configured = setup(fakeTarget({ endpoints: endpoints(2) }), { ...policy, grpcFailureCodes: ['RESOURCE_EXHAUSTED'] });
    configured.failing.set('10.0.0.1:8080', grpc('14', true));
    for (let i = 0; i < 10; i++) await configured.send();
    expect(configured.ejected).toHaveLength(0);
    configured.failing.set('10.0.0.1:8080', grpc('8', true));
    for (let i = 0; i < 6; i++) await configured.send();
    expect(configured.ejected.map((e) => e.key)).toEqual(['10.0.0.1:8080']);
  });

  it('ejects on the failure rate over the window once enough tries were seen, without failures in a row', async () => {
    const rate: OutlierPolicy = { ...policy, consecutiveFailures: 0, failureRate: { percent: 40, minRequests: 10, windowMs: 10_000 } };
    const t = setup(fakeTarget({ endpoints: endpoints(2) }), rate);
    let n = 0;
    t.failing.set('10.0.0.1:8080', () => fakeResponse(n++ % 2 === 0 ? 503 : 200)); // every other try fails
    for (let i = 0; i < 16; i++) await t.send(); // 8 tries on 10.0.0.1: below minRequests
    expect(t.ejected).toHaveLength(0);
    for (let i = 0; i < 4; i++) await t.send(); // 10 tries, 5 failed, but the 10th succeeded
    expect(t.ejected).toHaveLength(0);
    for (let i = 0; i < 2; i++) await t.send(); // the 11th fails: 6 of 11 >= 40%
    expect(t.ejected.map((e) => e.key)).toEqual(['10.0.0.1:8080']);
  });

  it('forgets failures that slid out of the failure-rate window, and is off by default', async () => {
    const rate: OutlierPolicy = { ...policy, consecutiveFailures: 0, failureRate: { percent: 50, minRequests: 4, windowMs: 1000 } };
    const t = setup(fakeTarget({ endpoints: endpoints(1) }), { ...rate, maxEjectionPercent: 100 });
    t.failing.set('10.0.0.1:8080', 503);
    await t.send();
    await t.send();
    t.failing.delete('10.0.0.1:8080');
    await t.clock.advance(1500); // the two failures are out of the window
    for (let i = 0; i < 3; i++) await t.send();
    t.failing.set('10.0.0.1:8080', 503);
    await t.send(); // 4 tries in the window, 1 failed: 25%
    expect(t.ejected).toHaveLength(0);
    await t.send(); // 5 tries, 2 failed: 40%
    expect(t.ejected).toHaveLength(0);
    await t.send(); // 6 tries, 3 failed: 50%
    expect(t.ejected).toHaveLength(1);

    const off = setup(fakeTarget({ endpoints: endpoints(2) }), { ...defaultOutlier, consecutiveFailures: 0 });
    let n = 0;
    off.failing.set('10.0.0.1:8080', () => fakeResponse(n++ % 2 === 0 ? 503 : 200));
    for (let i = 0; i < 100; i++) await off.send();
    expect(off.ejected).toHaveLength(0);
  });

  it('re-ejects a failing endpoint on probation at once, for longer each time, capped at the max', async () => {
    const t = setup(fakeTarget({ endpoints: endpoints(1) }), { ...policy, maxEjectionPercent: 100 });
    t.failing.set('10.0.0.1:8080', 503);
    for (let i = 0; i < 3; i++) await t.send();
    expect(await t.send()).toBe('- WEFT_NO_HEALTHY_ENDPOINT');
    await t.clock.advance(1000);
    await t.send(); // the probation try fails: ejected again
    await t.clock.advance(1999);
    expect(await t.send()).toBe('- WEFT_NO_HEALTHY_ENDPOINT');
    await t.clock.advance(1);
    await t.send();
    await t.clock.advance(2500);
    await t.send();
    expect(t.ejected.map((e) => e.durationMs)).toEqual([1000, 2000, 2500, 2500]);
  });

  it('never ejects more than the max ejection percent of endpoints, but at least one', async () => {
    const t = setup(fakeTarget({ endpoints: endpoints(4) }), { ...policy, maxEjectionPercent: 50 });
    for (const e of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) t.failing.set(`${e}:8080`, 503);
    for (let i = 0; i < 40; i++) await t.send();
    expect(t.ejected).toHaveLength(2);

    const u = setup(fakeTarget({ endpoints: endpoints(3) }), { ...policy, maxEjectionPercent: 10 });
    for (const e of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) u.failing.set(`${e}:8080`, 503);
    for (let i = 0; i < 30; i++) await u.send();
    expect(u.ejected).toHaveLength(1);

    const off = setup(fakeTarget({ endpoints: endpoints(3) }), { ...policy, maxEjectionPercent: 0 });
    off.failing.set('10.0.0.1:8080', 503);
    for (let i = 0; i < 30; i++) await off.send();
    expect(off.ejected).toHaveLength(0);
  });

  it('forgives past ejections after a long healthy stretch', async () => {
    const t = setup(fakeTarget({ endpoints: endpoints(1) }), { ...policy, maxEjectionPercent: 100 });
    t.failing.set('10.0.0.1:8080', 503);
    for (let i = 0; i < 3; i++) await t.send();
    await t.clock.advance(1000);
    await t.send(); // second ejection, 2000 ms
    t.failing.delete('10.0.0.1:8080');
    await t.clock.advance(2000 + 2500 + 1);
    await t.send();
    t.failing.set('10.0.0.1:8080', 503);
    for (let i = 0; i < 3; i++) await t.send();
    expect(t.ejected.map((e) => e.durationMs)).toEqual([1000, 2000, 1000]);
  });

  it('is off when consecutiveFailures is 0', async () => {
    const t = setup(fakeTarget({ endpoints: endpoints(1) }), { ...policy, consecutiveFailures: 0 });
    t.failing.set('10.0.0.1:8080', 503);
    for (let i = 0; i < 10; i++) expect(await t.send()).toBe('10.0.0.1:8080 503');
    expect(t.ejected).toHaveLength(0);
  });
});
