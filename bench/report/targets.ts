/**
 * The issue's published targets, evaluated against one results file. Reported, never asserted: a
 * miss is a finding with a size ("by how much"), and triggers a CPU profile of the sidecar.
 */
import type { BenchResults } from '../lib/results.js';
import { MB, findRun, rpsPerCpuSecond } from './query.js';

export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  /** null when the scenario behind it did not run (yet). */
  met: boolean | null;
  /** The scenario to profile when the target is missed. */
  scenario?: string;
}

export const WEFT_ONE = 'weft-sidecar';
export const WEFT_PAIR = 'weft-pair';

function check(id: string, target: string, value: number | undefined, ok: (v: number) => boolean, show: (v: number) => string, scenario?: string): TargetCheck {
  if (value === undefined || Number.isNaN(value)) return { id, target, measured: 'not measured', met: null, scenario };
  return { id, target, measured: show(value), met: ok(value), scenario };
}

export function evaluateTargets(results: BenchResults): TargetCheck[] {
  const direct = findRun(results, 'direct', 'latency', 1000)?.result.latencyMs.p99;
  const pair = findRun(results, WEFT_PAIR, 'latency', 1000)?.result.latencyMs.p99;
  const oneRun = findRun(results, WEFT_ONE, 'throughput');
  const one = oneRun?.result.actualQps;
  const onePerCpu = oneRun?.proxies[0] ? rpsPerCpuSecond(oneRun.proxies[0].cpuSecPer1000) : undefined;
  const nginx = findRun(results, 'nginx-pair', 'throughput')?.result.actualQps;
  const oneInfo = results.scenarios.find((s) => s.name === WEFT_ONE);
  const idle = oneInfo ? Object.values(oneInfo.idleRssBytes)[0] : undefined;
  const loaded = findRun(results, WEFT_ONE, 'latency', 1000)?.proxies[0]?.peakRssBytes;
  // Only the full path from the API server counts for the target; the fan-out alone is shown in its table.
  const bigPropagation = results.controlPlane?.runs.find((r) => r.scope === 'api-server' && r.proxies >= 1000 && r.services >= 1000)?.propagationMs.p99;
  const added = pair !== undefined && direct !== undefined ? pair - direct : undefined;
  const share = one !== undefined && nginx !== undefined && nginx > 0 ? one / nginx : undefined;
  return [
    check('pair-added-p99', 'sidecar pair adds at most 1.5 ms p99 over direct at 1000 rps', added, (v) => v <= 1.5, (v) => `+${v.toFixed(2)} ms`, WEFT_PAIR),
    check('one-core-rps', 'one sidecar on one core: at least 15k rps', one, (v) => v >= 15_000, (v) => `${Math.round(v)} rps${onePerCpu ? ` (${Math.round(onePerCpu)} per CPU second)` : ''}`, WEFT_ONE),
    check('half-of-nginx', 'one sidecar on one core: at least half of nginx on the same core', share, (v) => v >= 0.5, (v) => `${(v * 100).toFixed(0)}% of nginx`, WEFT_ONE),
    check('rss-idle', 'sidecar RSS idle at most 50 MB', idle, (v) => v <= 50 * MB, (v) => `${(v / MB).toFixed(1)} MB`, WEFT_ONE),
    check('rss-1000', 'sidecar RSS at 1000 rps at most 80 MB', loaded, (v) => v <= 80 * MB, (v) => `${(v / MB).toFixed(1)} MB`, WEFT_ONE),
    check('propagation-p99', 'config propagation p99 under 1 s for 1000 proxies x 1000 services', bigPropagation, (v) => v < 1000, (v) => `${v.toFixed(0)} ms`),
  ];
}

export function statusWord(t: TargetCheck): string {
  return t.met === null ? 'pending' : t.met ? 'met' : 'MISSED';
}
