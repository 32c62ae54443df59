/** An injectable source of randomness, so balancing, jitter, sampling and faults are testable with a seed. */

/** Returns a number in [0, 1), like Math.random. */
export type Random = () => number;

export const systemRandom: Random = Math.random;

/** A small, fast seeded generator (mulberry32): deterministic sequences for tests and benchmarks. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
