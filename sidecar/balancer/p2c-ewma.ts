/**
 * Power of two choices over peak-EWMA latency (the default). Draw two distinct endpoints at random
 * (weighted) and send to the cheaper, where cost = latency EWMA * (requests in flight + 1). Before
 * costs are compared, each of the two is passed over with a probability of three times its failure share,
 * so an endpoint whose tries fail loses draws however fast it fails (decision 0304).
 * Two random choices avoid the herd that "always the best" causes when many sidecars share stale
 * views, while still steering away from slow or overloaded endpoints (docs/decisions/0300).
 */
import type { Random } from '../../common/random.js';
import { weightedIndex, type Balancer } from './balancer.js';
import type { EndpointState } from './endpoint-state.js';

/** Latency assumed for an endpoint with no observation yet, when no other endpoint has one either. */
const unknownLatencyMs = 1;

/**
 * Never pass an endpoint over with certainty: one failing every try still gets about one draw in
 * ten it would have won, so outlier detection sees its next failures soon and a recovered endpoint
 * is noticed.
 */
const maxPassOver = 0.9;

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
      const passedOver = failureDraw(a, b, now, random);
      if (passedOver) return passedOver === a ? b : a;
      const fallback = latencyA === undefined || latencyB === undefined ? meanLatency(candidates, now) : 0;
      return cost(b, latencyB ?? fallback) < cost(a, latencyA ?? fallback) ? b : a;
    },
  };
}

/**
 * Each candidate is passed over with a probability of three times its failure share (at most 0.9);
 * returns the one passed over when only one of them is, else undefined (costs decide). A draw, not
 * a cost factor: costs are compared strictly, so any factor would shut out an endpoint failing 1%
 * of its tries as surely as a dead one. With the draw, among healthy peers, an endpoint failing
 * every try or every other one keeps well under a fifth of its share, one failing a try in five
 * about a quarter to a half (a third in the simulation of balancers.test.ts), one in a hundred
 * nearly all of it (decision 0304).
 */
function failureDraw(a: EndpointState, b: EndpointState, now: number, random: Random): EndpointState | undefined {
  const fa = a.failureShare(now);
  const fb = b.failureShare(now);
  if (fa === 0 && fb === 0) return undefined;
  const outA = random() < Math.min(maxPassOver, 3 * fa);
  const outB = random() < Math.min(maxPassOver, 3 * fb);
  if (outA === outB) return undefined;
  return outA ? a : b;
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
