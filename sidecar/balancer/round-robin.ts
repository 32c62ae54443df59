/**
 * Smooth weighted round robin: every pick adds each candidate's weight to its running score, takes
 * the highest and subtracts the total from it. Weights 5:1:1 give a,a,b,a,c,a,a rather than bursts.
 */
import type { Balancer } from './balancer.js';
import type { EndpointState } from './endpoint-state.js';

export function roundRobinBalancer(): Balancer {
  const score = new WeakMap<EndpointState, number>();
  return {
    pick(candidates) {
      let total = 0;
      let best = candidates[0]!;
      let bestScore = -Infinity;
      const equal = candidates.every((c) => c.weight === 0);
      for (const c of candidates) {
        const weight = equal ? 1 : c.weight;
        const s = (score.get(c) ?? 0) + weight;
        score.set(c, s);
        total += weight;
        if (s > bestScore) {
          best = c;
          bestScore = s;
        }
      }
      score.set(best, bestScore - total);
      return best;
    },
  };
}
