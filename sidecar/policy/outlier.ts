/**
 * Outlier detection (passive health checking) per endpoint. Consecutive failures of tries sent to
 * an endpoint (try-outcome.ts: 5xx, a listed gRPC status, connect failure, reset, timeout), or a
 * failure rate over a window when that is enabled, eject it from balancing for
 * baseEjectionMs * (times ejected), capped at maxEjectionMs. When that time is up it returns on
 * probation: its next try decides, a success clears it and a failure ejects it again at once.
 * No more than maxEjectionPercent of a service port's endpoints are ejected at a time (but at
 * least one when the percentage is above 0). Sits just outside the balance layer, which skips
 * ejected endpoints; the two share the endpoint sets.
 */
import type { Endpoint, OutlierPolicy } from '../../common/config/types.js';
import type { Handler, Layer, ProxyRequest, ProxyResponse, RequestContext, Target } from '../pipeline/types.js';
import { endpointSetFor, type EndpointSet, type EndpointSets } from '../balancer/endpoint-set.js';
import { endpointKey, type EndpointState } from '../balancer/endpoint-state.js';
import type { Selector } from './policy-selectors.js';
import { FailureWindow } from '../balancer/failure-rate.js';
import { errorVerdict, headVerdict, trailersVerdict, type TryVerdict } from './try-outcome.js';

export interface OutlierEvents {
  ejected?(endpoint: Endpoint, info: { target: Target; durationMs: number; ejections: number }): void;
  /** An ejection was due but the max ejection percent did not allow it. */
  ejectionRefused?(endpoint: Endpoint, info: { target: Target }): void;
  /** A probation try succeeded: the endpoint is fully back. */
  restored?(endpoint: Endpoint, info: { target: Target }): void;
}

export interface OutlierOptions {
  /** e.g. `outlierOf` from policy-selectors.ts. */
  outlier: Selector<OutlierPolicy>;
  /** The same sets the balance layer uses. */
  sets: EndpointSets;
  events?: OutlierEvents;
}

/** `outlierLayer({ outlier: outlierOf, sets })`: place between the per-try timeout and the balance layer. */
export function outlierLayer(options: OutlierOptions): Layer {
  return (next) => (req, ctx) => {
    const policy = options.outlier(ctx);
    if (!policy || (policy.consecutiveFailures <= 0 && policy.failureRate.percent <= 0) || !ctx.target) return next(req, ctx);
    return watched(policy, next, req, ctx);
  };

  async function watched(policy: OutlierPolicy, next: Handler, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
    try {
      const res = await next(req, ctx);
      const verdict = headVerdict(res, policy.grpcFailureCodes);
      if (verdict) {
        record(ctx.endpoint, ctx.target, ctx, policy, options, verdict);
      } else {
        // A gRPC status in trailers is known only when the body ends; the endpoint is this try's.
        const { endpoint, target } = ctx;
        trailersVerdict(res, policy.grpcFailureCodes, (v) => record(endpoint, target, ctx, policy, options, v));
      }
      return res;
    } catch (err) {
      record(ctx.endpoint, ctx.target, ctx, policy, options, errorVerdict(err, ctx.signal));
      throw err;
    }
  }
}

function record(
  endpoint: Endpoint | undefined,
  target: Target | undefined,
  ctx: RequestContext,
  policy: OutlierPolicy,
  options: OutlierOptions,
  verdict: TryVerdict,
): void {
  if (!endpoint || !target || verdict.kind === 'neutral') return;
  const set = endpointSetFor(options.sets, target);
  const state = set.get(endpointKey(endpoint));
  if (!state) return; // removed from the config meanwhile
  const now = ctx.clock.now();
  const rateTripped = countRate(state, policy, verdict.kind === 'failure', now);
  if (verdict.kind === 'success') {
    state.consecutiveFailures = 0;
    if (state.probation) {
      state.probation = false;
      options.events?.restored?.(state.endpoint, { target });
    }
    return;
  }
  state.consecutiveFailures++;
  if (state.isEjected(now)) return;
  const consecutive = policy.consecutiveFailures > 0 && state.consecutiveFailures >= policy.consecutiveFailures;
  if (!state.probation && !consecutive && !rateTripped) return;
  if (!mayEject(set, policy, now)) {
    options.events?.ejectionRefused?.(state.endpoint, { target });
    return;
  }
  const durationMs = eject(state, policy, now);
  options.events?.ejected?.(state.endpoint, { target, durationMs, ejections: state.ejections });
}

/** Count the try in the endpoint's failure-rate window; true when the rate calls for an ejection. */
function countRate(state: EndpointState, policy: OutlierPolicy, failed: boolean, now: number): boolean {
  const rate = policy.failureRate;
  if (rate.percent <= 0) return false;
  if (state.failureWindow?.windowMs !== rate.windowMs) state.failureWindow = new FailureWindow(rate.windowMs);
  return state.failureWindow.record(failed, now, rate);
}

function mayEject(set: EndpointSet, policy: OutlierPolicy, now: number): boolean {
  if (policy.maxEjectionPercent <= 0) return false;
  const all = set.all();
  const allowed = Math.max(1, Math.floor((all.length * policy.maxEjectionPercent) / 100));
  return all.filter((e) => e.isEjected(now)).length < allowed;
}

/** Eject for base * n (n = this ejection's number), capped; a long healthy stretch forgives past ones. */
function eject(state: EndpointState, policy: OutlierPolicy, now: number): number {
  if (state.ejectedUntil > 0 && now - state.ejectedUntil > policy.maxEjectionMs) state.ejections = 0;
  state.ejections++;
  const durationMs = Math.min(policy.maxEjectionMs, policy.baseEjectionMs * state.ejections);
  state.ejectedUntil = now + durationMs;
  state.probation = true;
  state.consecutiveFailures = 0;
  // Back from the ejection, the rate is measured afresh rather than on the failures that ejected it.
  state.failureWindow = undefined;
  return durationMs;
}
