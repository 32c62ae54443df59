/** The contract of a benchmark scenario: start its processes, then tell the harness where to send load. */
import type { BenchContext } from './context.js';
import type { Started } from './processes.js';
import type { ScenarioInfo } from './results.js';

export interface HttpTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface RunningScenario {
  /** Where HTTP/1.1 load goes; absent for a scenario that carries gRPC only (the HTTP/2 cores). */
  http?: HttpTarget;
  /** host:port for fortio's gRPC ping through the scenario, when it carries gRPC; a Host header becomes the :authority. */
  grpc?: { address: string; headers?: Record<string, string> };
  /** Proxy processes whose CPU and memory are measured. */
  proxies: Started[];
  /** One proxy (pinned to the proxy CPU) and its address, for the maximum-throughput run. */
  throughput?: { http: HttpTarget; proxy: Started | null; label: string };
}

export interface Scenario {
  name: string;
  group: ScenarioInfo['group'];
  description: string;
  /** A reason this scenario cannot run on this machine or checkout, or undefined when it can. */
  unavailable?: () => string | undefined;
  start(ctx: BenchContext): Promise<RunningScenario>;
}
