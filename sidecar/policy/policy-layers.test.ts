import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ErrorCodes, WeftError, isWeftError } from '../../common/errors.js';
import { seededRandom } from '../../common/random.js';
import { defaultOutlier, defaultTrafficPolicy } from '../../common/config/defaults.js';
import type { TrafficPolicy } from '../../common/config/types.js';
import { createSidecarMetrics } from '../observe/sidecar-metrics.js';
import { metricSum } from '../testing/metric-sum.js';
import { compose, type Handler } from '../pipeline/types.js';
import { endpoints, contextOn, requestOf, fakeTarget, settle } from '../testing/policy-fakes.js';
import { fakeResponse } from '../testing/request-fixtures.js';
import { createPolicyState, policyLayers, prunePolicyState } from './policy-layers.js';
import { policyMetricsEvents } from '../observe/policy-metrics.js';

type Behaviour = number | WeftError | 'hang';

/** The policy layers over an upstream whose answer per endpoint address the test sets. */
function setup(policy: Partial<TrafficPolicy>) {
  const clock = new FakeClock();
  const metrics = createSidecarMetrics({ processMetrics: false });
  const behaviour = new Map<string, Behaviour>();
  const tries: string[] = [];
  const upstream: Handler = async (_req, ctx) => {
    const address = ctx.endpoint!.address;
    tries.push(address);
    const b = behaviour.get(address) ?? 200;
    if (b === 'hang') {
      await clock.sleep(1_000_000, ctx.signal);
      return fakeResponse(200);
    }
    if (b instanceof WeftError) throw b;
    return fakeResponse(b);
  };
  const state = createPolicyState();
  const handler = compose(policyLayers({ state, random: seededRandom(3), events: policyMetricsEvents(metrics, clock) }), upstream);
  const target = fakeTarget({
    endpoints: endpoints(3),
    policy: { loadBalancer: { algorithm: 'round-robin' }, ...policy },
  });
  const send = async (method = 'GET') => {
    const ctx = contextOn(clock, target);
    const outcome = await settle(clock, handler(requestOf(method), ctx).then((r) => r.status, (e: unknown) => e));
    return { outcome, ctx };
  };
  const metric = (name: string): Promise<number> => metricSum(metrics, name);
  return { clock, behaviour, tries, send, metric, state };
}

const retries = { ...defaultTrafficPolicy.retries, backoff: { baseMs: 10, maxMs: 10 } };

describe('policyLayers', () => {
  it('retries a connect failure on another endpoint and counts the retry', async () => {
    const t = setup({ retries });
    t.behaviour.set('10.0.0.1', new WeftError(ErrorCodes.CONNECT_FAILED, 'refused'));
    const { outcome, ctx } = await t.send();
    expect(outcome).toBe(200);
    expect(t.tries).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ctx.stats.retries).toBe(1);
    expect(ctx.stats.upstream).toBe('10.0.0.2:8080');
    expect(await t.metric('weft_retries_total')).toBe(1);
  });

  it('cuts a hung try at the per-try timeout and retries it elsewhere, within the request deadline', async () => {
    const t = setup({ retries, timeouts: { ...defaultTrafficPolicy.timeouts, requestMs: 1000, perTryMs: 100 } });
    t.behaviour.set('10.0.0.1', 'hang');
    const start = t.clock.now();
    const { outcome } = await t.send();
    expect(outcome).toBe(200);
    expect(t.clock.now() - start).toBeGreaterThanOrEqual(100);
    expect(t.clock.now() - start).toBeLessThan(200);
    expect(await t.metric('weft_timeouts_total')).toBe(1);
  });

  it('ends with REQUEST_TIMEOUT when every try hangs', async () => {
    const t = setup({ retries: { ...retries, attempts: 10 }, timeouts: { ...defaultTrafficPolicy.timeouts, requestMs: 500, perTryMs: 0 } });
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) t.behaviour.set(a, 'hang');
    const { outcome, ctx } = await t.send();
    expect(isWeftError(outcome, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    expect(ctx.stats.errorCode).toBe(ErrorCodes.REQUEST_TIMEOUT);
    expect(t.clock.now()).toBe(500);
    expect(t.clock.pending()).toBe(0);
  });

  it('ejects an endpoint that keeps failing, so retries stop landing on it', async () => {
    const t = setup({ retries, outlierDetection: { ...defaultOutlier, consecutiveFailures: 2, baseEjectionMs: 10_000, maxEjectionMs: 60_000, maxEjectionPercent: 50 } });
    t.behaviour.set('10.0.0.1', 503);
    for (let i = 0; i < 12; i++) expect((await t.send()).outcome).toBe(200);
    expect(t.tries.filter((a) => a === '10.0.0.1')).toHaveLength(2);
    expect(await t.metric('weft_outlier_ejections_total')).toBe(1);
    expect(await t.metric('weft_outlier_ejected_endpoints')).toBe(1);
    await t.clock.advance(10_000);
    expect(await t.metric('weft_outlier_ejected_endpoints')).toBe(0);
  });

  it('sends each retry to an endpoint the request has not tried, through a per-try timeout, with one budget withdrawal per retry', async () => {
    const t = setup({
      loadBalancer: { algorithm: 'random' },
      retries: { ...retries, budget: { ratio: 0, minPerSecond: 0.2, windowMs: 10_000 } }, // room for 2 retries
      timeouts: { ...defaultTrafficPolicy.timeouts, perTryMs: 100 },
    });
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) t.behaviour.set(a, 503);
    const { outcome, ctx } = await t.send();
    expect(outcome).toBe(503);
    expect(new Set(t.tries).size).toBe(3);
    expect(ctx.triedEndpoints).toHaveLength(2);
    expect(await t.metric('weft_try_failures_total')).toBe(3);
    // The budget paid for exactly those two retries: the next request gets none.
    t.tries.length = 0;
    await t.send();
    expect(t.tries).toHaveLength(1);
    expect(await t.metric('weft_retry_budget_exhausted_total')).toBe(1);
  });

  it('does not retry an injected fault abort', async () => {
    const t = setup({ retries, fault: { abort: { percent: 100, status: 503 } } });
    const { outcome } = await t.send();
    expect(isWeftError(outcome, ErrorCodes.FAULT_INJECTED)).toBe(true);
    expect(t.tries).toHaveLength(0);
  });

  it('an injected delay counts against the request timeout', async () => {
    const t = setup({ timeouts: { ...defaultTrafficPolicy.timeouts, requestMs: 100 }, fault: { delay: { percent: 100, durationMs: 5000 } } });
    const { outcome } = await t.send();
    expect(isWeftError(outcome, ErrorCodes.REQUEST_TIMEOUT)).toBe(true);
    expect(t.tries).toHaveLength(0);
  });

  it('rate limits before any other work', async () => {
    const t = setup({ rateLimit: { requestsPerSecond: 1, burst: 1 } });
    expect((await t.send()).outcome).toBe(200);
    const { outcome } = await t.send();
    expect(isWeftError(outcome, ErrorCodes.RATE_LIMITED)).toBe(true);
    expect(t.tries).toHaveLength(1);
    expect(await t.metric('weft_rate_limited_total')).toBe(1);
  });

  it('counts exhausted retry budgets', async () => {
    const t = setup({ retries: { ...retries, attempts: 1, budget: { ratio: 0, minPerSecond: 0.1, windowMs: 10_000 } } });
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) t.behaviour.set(a, 503);
    await t.send(); // one retry allowed per 10 s
    await t.send();
    expect(await t.metric('weft_retries_total')).toBe(1);
    expect(await t.metric('weft_retry_budget_exhausted_total')).toBe(1);
  });
});

describe('prunePolicyState', () => {
  it('forgets services and ports the new config dropped, keeps the rest', async () => {
    const t = setup({ retries, rateLimit: { requestsPerSecond: 10, burst: 10 } });
    await t.send();
    expect(t.state.endpoints.size).toBe(1);
    expect(t.state.retryBudgets.size).toBe(1);
    const reviews = fakeTarget().service;
    prunePolicyState(t.state, { services: [reviews] });
    expect(t.state.endpoints.size).toBe(1);
    expect(t.state.rateLimits.size).toBe(1);
    prunePolicyState(t.state, { services: [{ ...reviews, ports: [{ ...reviews.ports[0]!, port: 9081 }] }] });
    expect(t.state.endpoints.size).toBe(0);
    expect(t.state.retryBudgets.size).toBe(1);
    prunePolicyState(t.state, { services: [] });
    expect(t.state.retryBudgets.size + t.state.rateLimits.size + t.state.bulkheads.size).toBe(0);
  });
});
