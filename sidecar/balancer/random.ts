/** Weighted random: each request independently, with probability proportional to endpoint weight. */
import type { Random } from '../../common/random.js';
import { weightedIndex, type Balancer } from './balancer.js';

export function randomBalancer(random: Random): Balancer {
  return { pick: (candidates) => candidates[weightedIndex(candidates, random)]! };
}
