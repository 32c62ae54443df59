/**
 * Local rate limit per service: a token bucket on the injected clock holding up to `burst` tokens,
 * refilled at `requestsPerSecond`. A request takes one token or fails with RATE_LIMITED (429).
 */
import type { RateLimitPolicy } from '../../common/config/types.js';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Layer, RequestContext } from '../pipeline/types.js';
import { KeyedState, serviceKey } from '../pipeline/keyed-state.js';
import type { Selector } from './policy-selectors.js';

export class TokenBucket {
  private tokens: number | undefined;
  private at = 0;

  /** Take one token; false when the bucket is empty. A new bucket starts full. */
  take(now: number, policy: RateLimitPolicy): boolean {
    const refill = ((now - this.at) * policy.requestsPerSecond) / 1000;
    this.tokens = Math.min(policy.burst, this.tokens === undefined ? policy.burst : this.tokens + Math.max(0, refill));
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface RateLimitEvents {
  rateLimited?(ctx: RequestContext): void;
}

export interface RateLimitOptions {
  /** e.g. `rateLimitOf` from policy-selectors.ts; no policy, no limit. */
  rateLimit: Selector<RateLimitPolicy>;
  /** Shared across requests and config updates (`tokenBuckets()`). */
  buckets: KeyedState<TokenBucket>;
  events?: RateLimitEvents;
}

export function tokenBuckets(): KeyedState<TokenBucket> {
  return new KeyedState(() => new TokenBucket());
}

/** `rateLimitLayer({ rateLimit: rateLimitOf, buckets })`: early in the pipeline, before any work is spent. */
export function rateLimitLayer(options: RateLimitOptions): Layer {
  return (next) => (req, ctx) => {
    const policy = options.rateLimit(ctx);
    if (!policy || !ctx.target) return next(req, ctx);
    if (!options.buckets.get(serviceKey(ctx.target)).take(ctx.clock.now(), policy)) {
      ctx.stats.errorCode = ErrorCodes.RATE_LIMITED;
      options.events?.rateLimited?.(ctx);
      const name = `${ctx.target.service.name}.${ctx.target.service.namespace}`;
      return Promise.reject(new WeftError(ErrorCodes.RATE_LIMITED, `local rate limit of ${policy.requestsPerSecond}/s (burst ${policy.burst}) for ${name} exceeded`));
    }
    return next(req, ctx);
  };
}
