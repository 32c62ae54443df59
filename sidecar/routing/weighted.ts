/** Weighted choice among a route's backends (canary splits); the random source is injected for tests. */
import type { Random } from '../../common/random.js';

export function pickWeighted<T extends { weight: number }>(items: readonly T[], random: Random = Math.random): T | undefined {
  let total = 0;
  for (const item of items) total += Math.max(0, item.weight);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const item of items) {
    const w = Math.max(0, item.weight);
    if (point < w) return item;
    point -= w;
  }
  // Only reachable through floating-point rounding at the very top of the range.
  return [...items].reverse().find((i) => i.weight > 0);
}
