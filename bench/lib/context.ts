/** What every scenario needs to start its processes: a work directory, the upstream, CPU placement. */
import { join } from 'node:path';

export interface Upstream {
  httpPort: number;
  grpcPort: number;
}

export interface BenchContext {
  /** Temporary directory for configs, logs and fortio output of this invocation. */
  dir: string;
  upstream: Upstream;
  proxyCpu: number;
  loadCpu: number;
  asRoot: boolean;
  /** Start proxies with `node --cpu-prof` (profiles land in dir/profiles). */
  cpuProfile: boolean;
}

export function logPath(ctx: BenchContext, name: string): string {
  return join(ctx.dir, `${name}.log`);
}
