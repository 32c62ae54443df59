/**
 * The narrow policy each layer asks for (docs/contributing.md, "Writing a layer"), read from the routed target. Route-level
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
} from '../../common/config/types.js';
import type { RequestContext } from '../pipeline/types.js';

export type Selector<T> = (ctx: RequestContext) => T | undefined;

/** The request timeout (the route's, else the service's); read on every request, so no object is built. */
export const requestMsOf: Selector<number> = (ctx) => {
  const t = ctx.target;
  return t && (t.route?.timeouts?.requestMs ?? t.service.policy.timeouts.requestMs);
};

/** The per-try timeout alone, as requestMsOf. */
export const perTryMsOf: Selector<number> = (ctx) => {
  const t = ctx.target;
  return t && (t.route?.timeouts?.perTryMs ?? t.service.policy.timeouts.perTryMs);
};

export const retriesOf: Selector<RetryPolicy> = (ctx) => ctx.target?.route?.retries ?? ctx.target?.service.policy.retries;
export const outlierOf: Selector<OutlierPolicy> = (ctx) => ctx.target?.service.policy.outlierDetection;
/** The gRPC statuses that count as a failed try: the service's, shared by outlier detection and the balancer. */
export const grpcFailureCodesOf: Selector<readonly string[]> = (ctx) => ctx.target?.service.policy.outlierDetection.grpcFailureCodes;
export const connectionLimitsOf: Selector<ConnectionLimits> = (ctx) => ctx.target?.service.policy.connectionLimits;
export const rateLimitOf: Selector<RateLimitPolicy> = (ctx) => ctx.target?.service.policy.rateLimit;
export const faultOf: Selector<FaultPolicy> = (ctx) => ctx.target?.service.policy.fault;
export const loadBalancerOf: Selector<LoadBalancerPolicy> = (ctx) => ctx.target?.service.policy.loadBalancer;
