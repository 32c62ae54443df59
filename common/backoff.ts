/** Exponential backoff with jitter, shared by every reconnect loop (sidecar config stream, Kubernetes watches) and by request retries. */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** The ceiling before jitter for retry number `attempt` (0-based): doubling from `baseMs`, capped at `maxMs`. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
}

/**
 * Delay before retry number `attempt` (0-based) with "equal jitter" (half fixed, half random) so a
 * fleet of clients that lost the same server does not come back in lockstep, yet no client retries
 * at once.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, policy);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Delay before retry number `attempt` (0-based) with "full jitter", uniform in [0, ceiling): for
 * request retries, where spreading load matters more than a minimum pause (see docs/policies.md).
 */
export function fullJitterDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}
