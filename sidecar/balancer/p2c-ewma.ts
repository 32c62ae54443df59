/**
 * Power of two choices over peak-EWMA latency (the default). Draw two distinct endpoints at random
 * (weighted) and send to the cheaper, where cost = latency EWMA * (requests in flight + 1).
 * Two random choices avoid the herd that "always the best" causes when many sidecars share stale
 * views, while still steering away from slow or overloaded endpoints (docs/decisions/0300).
 */
import type { Random } from '../../common/random.js';
import { weightedIndex, type Balancer } from './balancer.js';
import type { EndpointState } from './endpoint-state.js';

/** Latency assumed for an endpoint with no observation yet, when no other endpoint has one either. */
const unknownLatencyMs = 1;

export function p2cEwmaBalancer(random: Random): Balancer {
  return {
    pick(candidates, now) {
      if (candidates.length === 1) return candidates[0]!;
      const i = weightedIndex(candidates, random);
      const j = weightedIndex(candidates, random, i);
      const a = candidates[i]!;
      if (j < 0) return a;
      const b = candidates[j]!;
      const latencyA = a.currentLatency(now);
      const latencyB = b.currentLatency(now);
      const fallback = latencyA === undefined || latencyB === undefined ? meanLatency(candidates, now) : 0;
      return cost(b, latencyB ?? fallback) < cost(a, latencyA ?? fallback) ? b : a;
    },
  };
}

/**
 * A new endpoint starts at the mean of the others: neither flooded nor starved while it warms up.
 * The latency floor keeps in-flight counts meaningful for endpoints that answer in no time.
 */
export function cost(e: EndpointState, latencyMs: number): number {
  return Math.max(latencyMs, 0.001) * (e.inFlight + 1);
}

function meanLatency(candidates: readonly EndpointState[], now: number): number {
  let sum = 0;
  let n = 0;
  for (const c of candidates) {
    const latency = c.currentLatency(now);
    if (latency === undefined) continue;
    sum += latency;
    n++;
  }
  return n === 0 ? unknownLatencyMs : sum / n;
}
