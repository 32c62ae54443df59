/**
 * fortio, the load generator: the pinned version, how to build it, the command line of one load
 * run, and the few numbers the harness reads back from its JSON result.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** 1.69 and later depend on a module the Go proxy used here refuses (see docs/benchmarks.md). */
export const FORTIO_VERSION = '1.68.2';
/** Built by bench/bench.mk with `go install` into a directory named after the version. */
export const FORTIO_BIN = join(process.env.WEFT_BIN_CACHE ?? join(homedir(), '.cache', 'weft', 'bin'), `fortio-${FORTIO_VERSION}`, 'fortio');
export const PERCENTILES = [50, 90, 99, 99.9] as const;

export interface LoadSpec {
  /** Requests per second; 0 means as fast as the connections allow (closed loop, for max throughput). */
  qps: number;
  connections: number;
  durationSec: number;
  /** http://host:port/path for HTTP, host:port for gRPC ping. */
  target: string;
  kind: 'http' | 'grpc';
  /** Extra request headers, e.g. a Host for routing through a sidecar. */
  headers?: Record<string, string>;
  jsonOut: string;
}

/** The fortio argument vector for one run: uniform pacing at a fixed rate, 10 µs histogram buckets. */
export function fortioArgs(spec: LoadSpec): string[] {
  const args = ['load', '-qps', String(spec.qps), '-c', String(spec.connections), '-t', `${spec.durationSec}s`];
  if (spec.qps > 0) args.push('-uniform');
  args.push('-r', '0.00001', '-p', PERCENTILES.join(','), '-json', spec.jsonOut, '-quiet', '-allow-initial-errors');
  for (const [name, value] of Object.entries(spec.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (spec.kind === 'grpc') args.push('-grpc', '-ping');
  args.push(spec.target);
  return args;
}

export interface LoadResult {
  requestedQps: number;
  actualQps: number;
  durationSec: number;
  count: number;
  /** Requests that did not succeed (non-200 HTTP codes, or gRPC non-SERVING). */
  errors: number;
  /** Latency in milliseconds. */
  latencyMs: { avg: number; max: number; p50: number; p90: number; p99: number; p999: number };
}

interface FortioJson {
  RequestedQPS: number | string;
  ActualQPS: number;
  ActualDuration: number;
  RetCodes?: Record<string, number>;
  DurationHistogram: {
    Count: number;
    Avg: number;
    Max: number;
    Percentiles?: { Percentile: number; Value: number }[];
  };
}

/** Read fortio's JSON result. Latencies come in seconds; we keep milliseconds. */
export function parseFortioResult(text: string): LoadResult {
  const json = JSON.parse(text) as FortioJson;
  const h = json.DurationHistogram;
  if (!h || typeof h.Count !== 'number') throw new Error('fortio result has no DurationHistogram');
  const pct = (p: number): number => {
    const found = h.Percentiles?.find((x) => x.Percentile === p);
    if (!found) throw new Error(`fortio result lacks percentile ${p}`);
    return found.Value * 1000;
  };
  const codes = json.RetCodes ?? {};
  const ok = (codes['200'] ?? 0) + (codes['SERVING'] ?? 0);
  const total = Object.values(codes).reduce((a, b) => a + b, 0);
  const requested = json.RequestedQPS === 'max' ? 0 : Number(json.RequestedQPS);
  return {
    requestedQps: requested,
    actualQps: json.ActualQPS,
    durationSec: json.ActualDuration / 1e9,
    count: h.Count,
    errors: total - ok,
    latencyMs: {
      avg: h.Avg * 1000,
      max: h.Max * 1000,
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      p999: pct(99.9),
    },
  };
}

/** A fixed-rate run whose generator fell behind under-reports tail latency; such rows are flagged. */
export function fellBehind(result: LoadResult): boolean {
  return result.requestedQps > 0 && result.actualQps < result.requestedQps * 0.98;
}
