/** The contract of a load-balancing algorithm, and the weighted draw they share. */
import type { Random } from '../../common/random.js';
import type { EndpointState } from './endpoint-state.js';

export interface Balancer {
  /**
   * Choose one of `candidates` (never empty: ready, not ejected) at monotonic time `now` (ms).
   * `hashKey` is the request's affinity key for consistent hashing; other algorithms ignore it.
   */
  pick(candidates: readonly EndpointState[], now: number, hashKey?: string): EndpointState;
}

/**
 * Index of a candidate drawn with probability proportional to its weight, skipping `exclude`.
 * When every weight is 0, all count as equal; -1 when only weight-0 candidates are left beside an
 * excluded one that has weight.
 */
export function weightedIndex(candidates: readonly EndpointState[], random: Random, exclude = -1): number {
  let total = 0;
  for (let i = 0; i < candidates.length; i++) if (i !== exclude) total += candidates[i]!.weight;
  if (total <= 0) {
    if (exclude >= 0 && candidates[exclude]!.weight > 0) return -1;
    const n = exclude >= 0 ? candidates.length - 1 : candidates.length;
    const i = Math.floor(random() * n);
    return exclude >= 0 && i >= exclude ? i + 1 : i;
  }
  let point = random() * total;
  let last = -1;
  for (let i = 0; i < candidates.length; i++) {
    if (i === exclude || candidates[i]!.weight === 0) continue;
    last = i;
    point -= candidates[i]!.weight;
    if (point < 0) return i;
  }
  return last;
}
