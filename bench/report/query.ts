/** Lookups into one results file, shared by the report, the targets and the profiler trigger. */
import type { BenchResults, RunKind, RunRecord } from '../lib/results.js';

/**
 * The run of one row. With several rounds, the median round: by p99 for fixed-rate rows, by
 * achieved rate for throughput rows (the lower middle when the count is even).
 */
export function findRun(results: BenchResults, scenario: string, kind: RunKind, qps?: number): RunRecord | undefined {
  const rounds = results.runs.filter((r) => r.scenario === scenario && r.kind === kind && (qps === undefined || r.result.requestedQps === qps));
  const key = (r: RunRecord): number => (kind === 'throughput' ? r.result.actualQps : r.result.latencyMs.p99);
  return [...rounds].sort((a, b) => key(a) - key(b))[Math.floor((rounds.length - 1) / 2)];
}

export function ranScenarios(results: BenchResults): string[] {
  return results.scenarios.filter((s) => !s.skipped).map((s) => s.name);
}

export const MB = 1024 * 1024;

export function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

export function ms(value: number): string {
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** `a / b` as "1.23x", or "–" when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}x`;
}

/** Requests one CPU-second serves, from CPU seconds per 1000 requests; undefined when nothing was measured. */
export function rpsPerCpuSecond(cpuSecPer1000: number): number | undefined {
  return cpuSecPer1000 > 0 ? 1000 / cpuSecPer1000 : undefined;
}
