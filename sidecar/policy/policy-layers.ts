/**
 * The resilience and balancing layers of a routed request, in their order, with the long-lived
 * state they share. The outbound pipeline puts `policyLayers(...)` between routing and the
 * forwarder. docs/policies.md explains each policy and why this order.
 */
import type { ProxyConfig } from '../../common/config/types.js';
import type { Random } from '../../common/random.js';
import { endpointSets, type EndpointSets } from '../balancer/endpoint-set.js';
import type { Layer } from '../pipeline/types.js';
import { balanceLayer, type BalanceEvents } from './balance.js';
import { bulkheadLayer, bulkheads, type BulkheadEvents } from './bulkhead.js';
import { faultLayer, type FaultEvents } from './fault.js';
import { serviceKey, servicePortKey, type KeyedState } from '../pipeline/keyed-state.js';
import type { ConcurrencyLimiter } from './limiter.js';
import { outlierLayer, type OutlierEvents } from './outlier.js';
import { rateLimitLayer, tokenBuckets, type RateLimitEvents, type TokenBucket } from './rate-limit.js';
import { retryBudgets, retryLayer, type RetryEvents } from './retry.js';
import type { RetryBudget } from './retry-budget.js';
import { connectionLimitsOf, faultOf, loadBalancerOf, outlierOf, perTryMsOf, rateLimitOf, requestMsOf, retriesOf } from './policy-selectors.js';
import { perTryTimeoutLayer, requestTimeoutLayer, type TimeoutEvents } from './timeout.js';

/** Everything the policy layers remember between requests; create once per sidecar and keep across configs. */
export interface PolicyState {
  endpoints: EndpointSets;
  retryBudgets: KeyedState<RetryBudget>;
  bulkheads: KeyedState<ConcurrencyLimiter>;
  rateLimits: KeyedState<TokenBucket>;
}

export function createPolicyState(): PolicyState {
  return { endpoints: endpointSets(), retryBudgets: retryBudgets(), bulkheads: bulkheads(), rateLimits: tokenBuckets() };
}

/**
 * Forget the state of services and ports a new config no longer has (call after each config swap).
 * Requests still running on a forgotten endpoint keep their own reference and finish normally.
 */
export function prunePolicyState(state: PolicyState, config: Pick<ProxyConfig, 'services'>): void {
  const services = new Set(config.services.map((service) => serviceKey({ service })));
  const ports = new Set(config.services.flatMap((service) => service.ports.map((p) => servicePortKey({ service, port: p.port }))));
  state.endpoints.prune((key) => ports.has(key));
  state.retryBudgets.prune((key) => services.has(key));
  state.bulkheads.prune((key) => services.has(key));
  state.rateLimits.prune((key) => services.has(key));
}

/** What the policy layers report, for metrics (observe/policy-metrics.ts) and logs. Every method is optional. */
export type PolicyEvents = TimeoutEvents & RetryEvents & OutlierEvents & BulkheadEvents & RateLimitEvents & FaultEvents & BalanceEvents;

export interface PolicyLayerOptions {
  state: PolicyState;
  random: Random;
  events?: PolicyEvents;
}

export function policyLayers({ state, random, events }: PolicyLayerOptions): Layer[] {
  return [
    // 1. Local rate limit: the cheapest refusal, before any work is spent (429).
    rateLimitLayer({ rateLimit: rateLimitOf, buckets: state.rateLimits, events }),
    // 2. Request timeout: one deadline over everything below, tries and backoffs included (504).
    requestTimeoutLayer({ requestMs: requestMsOf, events }),
    // 3. Fault injection: an injected delay counts against the deadline; an injected abort is the
    //    answer, not retried.
    faultLayer({ fault: faultOf, random, events }),
    // 4. Bulkhead: one slot per request for all its tries; the deadline bounds the wait (503).
    bulkheadLayer({ limits: connectionLimitsOf, state: state.bulkheads, events }),
    // 5. Retries within the service's budget, backing off between tries.
    retryLayer({ retries: retriesOf, budgets: state.retryBudgets, random, events }),
    // 6. Per-try timeout: one slow try is cut and may be retried (504).
    perTryTimeoutLayer({ perTryMs: perTryMsOf, events }),
    // 7. Outlier detection: the outcome of each try counts against the endpoint it went to.
    outlierLayer({ outlier: outlierOf, sets: state.endpoints, events }),
    // 8. Balancer: the endpoint for this try among the ready, non-ejected ones.
    balanceLayer({ sets: state.endpoints, loadBalancer: loadBalancerOf, random, events }),
  ];
}
