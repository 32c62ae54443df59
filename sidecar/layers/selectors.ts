/**
 * The narrow policy each layer asks for (STYLE 3), read from the routed target. Route-level
 * overrides (timeouts, retries) win over the service's TrafficPolicy. The pipeline passes these as
 * the layers' selectors; tests pass their own.
 */
import type {
  ConnectionLimits,
  FaultPolicy,
  LoadBalancerPolicy,
  OutlierPolicy,
  RateLimitPolicy,
  RetryPolicy,
  TimeoutPolicy,
} from '../../common/config/types.js';
import type { RequestContext } from '../pipeline/types.js';

export type Selector<T> = (ctx: RequestContext) => T | undefined;

export const timeoutsOf: Selector<Pick<TimeoutPolicy, 'requestMs' | 'perTryMs'>> = (ctx) => {
  const t = ctx.target;
  if (!t) return undefined;
  const base = t.service.policy.timeouts;
  const route = t.route?.timeouts;
  return { requestMs: route?.requestMs ?? base.requestMs, perTryMs: route?.perTryMs ?? base.perTryMs };
};

export const retriesOf: Selector<RetryPolicy> = (ctx) => ctx.target?.route?.retries ?? ctx.target?.service.policy.retries;
export const outlierOf: Selector<OutlierPolicy> = (ctx) => ctx.target?.service.policy.outlierDetection;
export const connectionLimitsOf: Selector<ConnectionLimits> = (ctx) => ctx.target?.service.policy.connectionLimits;
export const rateLimitOf: Selector<RateLimitPolicy> = (ctx) => ctx.target?.service.policy.rateLimit;
export const faultOf: Selector<FaultPolicy> = (ctx) => ctx.target?.service.policy.fault;
export const loadBalancerOf: Selector<LoadBalancerPolicy> = (ctx) => ctx.target?.service.policy.loadBalancer;
