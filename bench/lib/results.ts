/**
 * The shape of bench/results/<date>-<name>.json. One file holds one invocation: every scenario
 * measured under the same machine load, with the exact command of each row, so ratios within a
 * file are what to compare. The control-plane section is filled once that benchmark exists.
 */
import type { LoadResult } from './fortio.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  kernel: string;
  memoryBytes: number;
}

export interface Settings {
  rates: number[];
  connections: number;
  latencySec: number;
  throughputConnections: number;
  throughputSec: number;
  grpcQps: number;
  /** The latency and throughput matrices are repeated, interleaved, this many times; reports take the median round. */
  rounds: number;
  /** Control-plane fan-out sizes and the number of changes each is measured over. */
  controlPlane: { sizes: { services: number; endpointsPerService: number; proxies: number }[]; changes: number; waitSec: number };
  /** CPU the proxies under test are pinned to; the load generator and upstream get `loadCpu`. */
  proxyCpu: number;
  loadCpu: number;
}

export interface ProcessInfo {
  name: string;
  command: string;
}

export interface ScenarioInfo {
  name: string;
  group: 'reference' | 'weft' | 'peer' | 'core';
  description: string;
  /** The processes of this scenario beyond the shared upstream, as started. */
  processes: ProcessInfo[];
  /** RSS of each proxy process tree once started and warmed, before measured load. */
  idleRssBytes: Record<string, number>;
  /** Why the scenario was not measured, when it was not. */
  skipped?: string;
}

export type RunKind = 'latency' | 'throughput' | 'grpc';

export interface ProxyUsage {
  name: string;
  /** Largest RSS seen while the load ran. */
  peakRssBytes: number;
  cpuSecPer1000: number;
}

export interface RunRecord {
  scenario: string;
  kind: RunKind;
  /** 1-based repetition of the matrix this run belongs to. */
  round: number;
  /** The fortio command line, as run. */
  command: string;
  result: LoadResult;
  proxies: ProxyUsage[];
  /** True when the generator could not keep the requested rate (tail latency under-reported). */
  fellBehind: boolean;
}

export interface ProfileSummary {
  scenario: string;
  reason: string;
  file: string;
  /** Functions by self time, as a share of busy (non-idle) time. */
  topFrames: { name: string; location: string; selfPercent: number }[];
  /** weft's own functions by total time (self and below): which layers the time goes through. */
  weftFrames: { name: string; location: string; selfPercent: number }[];
}

export interface ControlPlaneRun {
  /**
   * What the time covers: `config-server fan-out` is change signalled -> debounce -> translation ->
   * snapshot -> push -> every simulated proxy received it; `api-server` adds the Kubernetes path
   * (EndpointSlice PATCHed in the API server -> watch -> cluster state), which needs the cluster.
   */
  scope: 'config-server fan-out' | 'api-server';
  services: number;
  endpointsPerService: number;
  proxies: number;
  changes: number;
  /** Proxy updates that did not arrive within the wait (counted, not in the percentiles). */
  missed: number;
  propagationMs: { p50: number; p99: number };
  /** Peak RSS of the control-plane process. */
  rssBytes: number;
  /** Its CPU seconds over all changes. */
  cpuSec: number;
  /** Bytes pushed to all proxies, per change. */
  pushBytes: number;
  command: string;
}

export interface ControlPlaneResults {
  runs: ControlPlaneRun[];
  /** Where the report took this section from, when it is merged from a control-plane results file. */
  source?: { file: string; date: string; weft?: string; notes: string[] };
}

export interface BenchResults {
  schema: 1;
  name: string;
  date: string;
  profile: 'quick' | 'full' | 'cores' | 'smoke';
  machine: Machine;
  /** Load average (1, 5, 15 min) when the run started and ended: how busy the shared machine was. */
  loadAverage?: { start: number[]; end: number[] };
  versions: Record<string, string>;
  settings: Settings;
  upstream: ProcessInfo[];
  scenarios: ScenarioInfo[];
  runs: RunRecord[];
  profiles: ProfileSummary[];
  /** Filled by the control-plane benchmark; null until it runs. */
  controlPlane: ControlPlaneResults | null;
  notes: string[];
}
