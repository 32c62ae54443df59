/** Small hand-made inputs for the harness's unit tests: a fortio result and a results file. */
import type { LoadResult } from '../lib/fortio.js';
import type { BenchResults, RunKind, RunRecord } from '../lib/results.js';

/** What fortio 1.68 writes with `-json` (trimmed to the fields the harness reads, plus a few it ignores). */
export function fortioJson(over: { qps?: number | 'max'; actual?: number; codes?: Record<string, number>; p99?: number } = {}): string {
  return JSON.stringify({
    RunType: 'HTTP',
    RequestedQPS: over.qps ?? 1000,
    ActualQPS: over.actual ?? 999.7,
    ActualDuration: 10_000_000_000,
    NumThreads: 16,
    RetCodes: over.codes ?? { '200': 10000 },
    DurationHistogram: {
      Count: 10000,
      Min: 0.0001,
      Max: 0.012,
      Avg: 0.0003,
      Percentiles: [
        { Percentile: 50, Value: 0.00025 },
        { Percentile: 90, Value: 0.0004 },
        { Percentile: 99, Value: over.p99 ?? 0.0011 },
        { Percentile: 99.9, Value: 0.0042 },
      ],
    },
  });
}

export function load(p99: number, qps = 1000, actual = qps): LoadResult {
  return { requestedQps: qps, actualQps: actual, durationSec: 10, count: Math.round(actual * 10), errors: 0, latencyMs: { avg: p99 / 3, max: p99 * 4, p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 2 } };
}

export function run(scenario: string, kind: RunKind, result: LoadResult, rss = 40e6, cpu = 0.05): RunRecord {
  return { scenario, kind, round: 1, command: `fortio load ${scenario}`, result, proxies: scenario === 'direct' ? [] : [{ name: `${scenario}-proc`, peakRssBytes: rss, cpuSecPer1000: cpu }], fellBehind: false };
}

export function results(runs: RunRecord[], idleRss = 30e6): BenchResults {
  const names = [...new Set(runs.map((r) => r.scenario))];
  return {
    schema: 1,
    name: 'test',
    date: '2026-11-24T21:00:00.000Z',
    profile: 'quick',
    machine: { cpuModel: 'Test CPU', cores: 2, kernel: '6.0', memoryBytes: 24 * 1024 ** 3 },
    versions: { node: 'v20.20.0', nginx: '1.22.1' },
    settings: { rates: [1000], connections: 16, latencySec: 10, throughputConnections: 64, throughputSec: 8, grpcQps: 1000, rounds: 1, controlPlane: { sizes: [], changes: 0, waitSec: 1 }, proxyCpu: 1, loadCpu: 0 },
    upstream: [{ name: 'upstream-nginx', command: 'nginx -c x' }],
    scenarios: names.map((name) => ({ name, group: name === 'direct' ? 'reference' : 'weft', description: name, processes: [{ name: `${name}-proc`, command: `start ${name}` }], idleRssBytes: name === 'direct' ? {} : { [`${name}-proc`]: idleRss } })),
    runs,
    profiles: [],
    controlPlane: null,
    notes: [],
  };
}
