/** How long and how hard each profile loads: `quick` for `make bench`, `full` for `make bench-full`, `cores` for `make bench-cores`. */
import type { Settings } from './results.js';

export type ProfileName = 'quick' | 'full' | 'cores' | 'smoke';

const base = { rates: [500, 1000, 2000], connections: 16, throughputConnections: 64, grpcQps: 1000, proxyCpu: 1, loadCpu: 0 };

export const PLANS: Record<ProfileName, Settings> = {
  quick: { ...base, latencySec: 10, throughputSec: 8, rounds: 1 },
  full: { ...base, latencySec: 30, throughputSec: 20, rounds: 2 },
  cores: { ...base, latencySec: 6, throughputSec: 6, rounds: 3 },
  /** Seconds, not minutes: checks that every scenario starts, carries traffic and stops. */
  smoke: { ...base, rates: [500], latencySec: 2, throughputSec: 2, grpcQps: 200, rounds: 1 },
};

/** A rough upper bound of a run's load time in seconds, printed up front so nobody waits blind. */
export function estimateSeconds(s: Settings, scenarios: number, grpcScenarios: number): number {
  const warmup = 2;
  return scenarios * (s.rounds * (s.rates.length * s.latencySec + s.throughputSec) + warmup) + grpcScenarios * s.latencySec;
}
