/** Exponential backoff with jitter, shared by every reconnect loop (sidecar config stream, Kubernetes watches). */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0-based): doubling from `baseMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so a fleet of clients that lost the same server does
 * not come back in lockstep, yet no client retries at once.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
