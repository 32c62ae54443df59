/**
 * Bulkhead per service: at most maxRequests in flight (until the response body ends), at most
 * maxPendingRequests waiting for a slot; beyond that, fail fast with OVERLOADED (503) and the
 * reason. One service's slow upstream then cannot take every request of the app hostage.
 * (maxConnections is the forwarder's: sidecar/upstream/connection-limit.ts.)
 */
import type { ConnectionLimits } from '../../common/config/types.js';
import { ErrorCodes, isWeftError } from '../../common/errors.js';
import type { Handler, Layer, ProxyRequest, ProxyResponse, RequestContext, Target } from '../pipeline/types.js';
import { KeyedState, serviceKey } from '../pipeline/keyed-state.js';
import { ConcurrencyLimiter } from './limiter.js';
import { onResponseDone } from '../pipeline/response-body.js';
import type { Selector } from './policy-selectors.js';

/** Which limit failed a request fast: the bulkhead's maxRequests or the forwarder's maxConnections. */
export type OverloadLimit = 'max_requests' | 'max_connections';

export interface BulkheadEvents {
  overloaded?(ctx: RequestContext, reason: string, limit: OverloadLimit): void;
}

/** When `err` is a limit's fail-fast OVERLOADED: the request's error code and the event, for either limit. */
export function reportOverload(err: unknown, ctx: RequestContext, limit: OverloadLimit, events: BulkheadEvents | undefined): void {
  if (!isWeftError(err, ErrorCodes.OVERLOADED)) return;
  ctx.stats.errorCode = err.code;
  events?.overloaded?.(ctx, err.message, limit);
}

export interface BulkheadOptions {
  /** e.g. `connectionLimitsOf` from policy-selectors.ts. */
  limits: Selector<ConnectionLimits>;
  /** Shared across requests and config updates (`bulkheads()`). */
  state: KeyedState<ConcurrencyLimiter>;
  events?: BulkheadEvents;
}

export function bulkheads(): KeyedState<ConcurrencyLimiter> {
  return new KeyedState((key) => new ConcurrencyLimiter({ limit: 0, maxPending: 0 }, `requests to ${key}`));
}

/** `bulkheadLayer({ limits: connectionLimitsOf, state })`: inside the request timeout (which bounds the wait), outside retries. */
export function bulkheadLayer(options: BulkheadOptions): Layer {
  return (next) => (req, ctx) => {
    const limits = options.limits(ctx);
    // No limit (and none lifted while requests wait): a plain call, no async frame.
    if (!ctx.target || !limits || (limits.maxRequests === 0 && !options.state.peek(serviceKey(ctx.target)))) return next(req, ctx);
    return guarded(limits, ctx.target, next, req, ctx);
  };

  async function guarded(limits: ConnectionLimits, target: Target, next: Handler, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
    const limiter = options.state.get(serviceKey(target));
    limiter.configure({ limit: limits.maxRequests, maxPending: limits.maxPendingRequests });
    let release: () => void;
    try {
      release = await limiter.acquire(ctx.signal);
    } catch (err) {
      reportOverload(err, ctx, 'max_requests', options.events);
      throw err;
    }
    try {
      const res = await next(req, ctx);
      onResponseDone(res, release);
      return res;
    } catch (err) {
      release();
      throw err;
    }
  }
}
