/**
 * Retries: tries a request again when the outcome is listed in the policy's `on` conditions, with
 * exponential backoff and full jitter, within the service's retry budget, the request deadline and
 * the client's patience, and only for idempotent (or explicitly allowed) requests whose body can be
 * replayed. A discarded response's body is destroyed first, so its connection is freed. Each retry
 * records the endpoint that failed, so the balancer prefers one this request has not tried.
 */
import { fullJitterDelay } from '../../common/backoff.js';
import type { RetryPolicy } from '../../common/config/types.js';
import type { Random } from '../../common/random.js';
import type { Handler, Layer, ProxyRequest, ProxyResponse, RequestContext, Target } from '../pipeline/types.js';
import { KeyedState, serviceKey } from '../pipeline/keyed-state.js';
import { discardResponse } from '../pipeline/response-body.js';
import { RetryBudget } from './retry-budget.js';
import { errorRetryReason, requestRetryable, responseRetryReason, type RetryReason } from './retry-conditions.js';
import type { Selector } from './policy-selectors.js';

export interface RetryEvents {
  /** `reason` is the condition that matched: 5xx, gateway-error, connect-failure, reset, ... */
  retried?(ctx: RequestContext, reason: RetryReason): void;
  budgetExhausted?(ctx: RequestContext): void;
}

export interface RetryOptions {
  /** e.g. `retriesOf` from policy-selectors.ts (the route's policy, else the service's). */
  retries: Selector<RetryPolicy>;
  /** Shared across requests and config updates: one budget per service (`retryBudgets()`). */
  budgets: KeyedState<RetryBudget>;
  random: Random;
  events?: RetryEvents;
}

export function retryBudgets(): KeyedState<RetryBudget> {
  return new KeyedState(() => new RetryBudget());
}

type Outcome = { ok: true; res: ProxyResponse } | { ok: false; err: unknown };

/** `retryLayer({ retries: retriesOf, budgets, random })`: place inside the request timeout, outside the per-try timeout. */
export function retryLayer(options: RetryOptions): Layer {
  return (next) => (req, ctx) => {
    const policy = options.retries(ctx);
    if (!policy || !ctx.target) return next(req, ctx);
    return withRetries(policy, ctx.target, next, req, ctx);
  };

  async function withRetries(policy: RetryPolicy, target: Target, next: Handler, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
    const budget = options.budgets.get(serviceKey(target));
    budget.deposit(ctx.clock.now(), policy.budget);
    for (let retry = 0; ; retry++) {
      ctx.attempt = retry;
      let outcome: Outcome;
      let reason: RetryReason | undefined;
      try {
        outcome = { ok: true, res: await next(req, ctx) };
        reason = responseRetryReason(outcome.res, policy);
      } catch (err) {
        outcome = { ok: false, err };
        reason = errorRetryReason(err, policy);
      }
      const delay = reason === undefined ? undefined : retryDelay(retry + 1, req, ctx, policy, budget, options);
      if (delay === undefined) {
        if (!outcome.ok) throw outcome.err;
        return outcome.res;
      }
      if (outcome.ok) discardResponse(outcome.res);
      else ctx.stats.errorCode = (outcome.err as { code: string }).code;
      // The balancer sends the next try elsewhere while an untried endpoint is left.
      if (ctx.stats.upstream !== undefined) (ctx.triedEndpoints ??= []).push(ctx.stats.upstream);
      ctx.stats.retries++;
      options.events?.retried?.(ctx, reason!);
      await ctx.clock.sleep(delay, ctx.signal);
    }
  }
}

/** The backoff before retry number `retry`, or undefined when the request must not be retried. */
function retryDelay(
  retry: number,
  req: ProxyRequest,
  ctx: RequestContext,
  policy: RetryPolicy,
  budget: RetryBudget,
  options: RetryOptions,
): number | undefined {
  if (retry > policy.attempts || !requestRetryable(req, policy) || ctx.signal.aborted) return undefined;
  const delay = fullJitterDelay(retry - 1, policy.backoff, options.random);
  // A retry that cannot finish before the deadline only adds load.
  if (ctx.deadline !== undefined && ctx.clock.now() + delay >= ctx.deadline) return undefined;
  if (!budget.tryWithdraw(ctx.clock.now(), policy.budget)) {
    options.events?.budgetExhausted?.(ctx);
    return undefined;
  }
  return delay;
}
