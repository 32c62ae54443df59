/** How long and how hard each profile loads: `quick` for `make bench`, `full` for `make bench-full`, `cores` for `make bench-cores`. */
import type { Settings } from './results.js';

export type ProfileName = 'quick' | 'full' | 'cores' | 'smoke';

const sizes = (list: [number, number, number][]): Settings['controlPlane']['sizes'] => list.map(([services, endpointsPerService, proxies]) => ({ services, endpointsPerService, proxies }));
// 1000 services x 1000 proxies is the target size; the shared service table (docs/decisions/0450) makes it seconds, not minutes.
const fanout = { sizes: sizes([[10, 10, 10], [100, 10, 100], [1000, 10, 100], [1000, 10, 1000]]), changes: 3, waitSec: 30 };
const base = { rates: [500, 1000, 2000], connections: 16, throughputConnections: 64, grpcQps: 1000, proxyCpu: 1, loadCpu: 0, controlPlane: fanout };

export const PLANS: Record<ProfileName, Settings> = {
  quick: { ...base, latencySec: 10, throughputSec: 8, rounds: 1 },
  full: { ...base, latencySec: 30, throughputSec: 20, rounds: 2, controlPlane: { sizes: sizes([[10, 10, 10], [100, 10, 100], [1000, 10, 100], [1000, 10, 1000]]), changes: 5, waitSec: 180 } },
  cores: { ...base, latencySec: 6, throughputSec: 6, rounds: 3 },
  /** Seconds, not minutes: checks that every scenario starts, carries traffic and stops. */
  smoke: { ...base, rates: [500], latencySec: 2, throughputSec: 2, grpcQps: 200, rounds: 1, controlPlane: { sizes: sizes([[10, 10, 10]]), changes: 2, waitSec: 10 } },
};

/** A rough upper bound of a run's load time in seconds, printed up front so nobody waits blind. */
export function estimateSeconds(s: Settings, scenarios: number, grpcScenarios: number): number {
  const warmup = 2;
  return scenarios * (s.rounds * (s.rates.length * s.latencySec + s.throughputSec) + warmup) + grpcScenarios * s.latencySec;
}
