/** Exponential backoff with full jitter: spreads retries of many clients instead of synchronising them. */
import type { Random } from '../../common/random.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** The ceiling before jitter for retry number `retry` (1 for the first retry): base * 2^(retry-1), capped. */
export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(0, retry - 1), 30);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}

/** A delay uniformly drawn from [0, ceiling). */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: Random): number {
  return Math.floor(random() * backoffCeiling(retry, policy));
}
