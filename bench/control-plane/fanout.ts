/**
 * Control-plane fan-out: the config server and translator in their own process with N services x M
 * endpoints, P simulated proxies in this one. Each change (an endpoint's readiness) is signalled to
 * the server with the wall time it was made; a proxy's propagation time is the first update it
 * receives after that. This covers the debounce, translation, snapshot build and push, not the
 * Kubernetes watch (the api-server scope, bench/control-plane/apiserver.ts, adds that).
 */
import { join } from 'node:path';
import { logPath, type BenchContext } from '../lib/context.js';
import { start, stop, waitForLine } from '../lib/processes.js';
import type { ControlPlaneRun } from '../lib/results.js';
import { portAnnouncement } from '../scenarios/node-process.js';
import { controlPlaneRun, measureChanges, until, type FanoutSize } from './measure-changes.js';
import { SimulatedProxy } from './simulated-proxy.js';

/** Every wait is bounded by `waitSec`; updates that miss it are counted as missed. */
export async function measureFanout(ctx: BenchContext, size: FanoutSize, changes: number, waitSec: number, log: (line: string) => void): Promise<ControlPlaneRun> {
  const waitMs = waitSec * 1000;
  const name = `cp-${size.services}x${size.endpointsPerService}-p${size.proxies}`;
  const args = [join('dist', 'bench', 'control-plane', 'server-main.js'), String(size.services), String(size.endpointsPerService)];
  const server = start(name, process.execPath, args, { logFile: logPath(ctx, name), stdin: true });
  const proxies: SimulatedProxy[] = [];
  try {
    const port = await waitForLine(server, portAnnouncement);
    for (let i = 0; i < size.proxies; i++) proxies.push(new SimulatedProxy(`127.0.0.1:${port}`, i));
    if (!(await until(() => proxies.every((p) => p.arrivals.length > 0), waitMs))) throw new Error(`${name}: not every proxy got its first config within ${waitMs} ms`);
    const measured = await measureChanges({
      name,
      pid: server.pid,
      proxies,
      changes,
      waitMs,
      apply: async (k) => {
        const t0 = performance.timeOrigin + performance.now();
        server.child.stdin?.write(`change ${k} ${t0}\n`);
        return t0;
      },
      // Only the benchmark changes this server's state: the first update after a change carries it.
      arrival: (p) => p.arrivals[0],
      log,
    });
    return controlPlaneRun('config-server fan-out', size, changes, measured, `${server.command}  # plus ${size.proxies} simulated proxies in the harness, ${changes} changes`, log);
  } finally {
    for (const p of proxies) p.close();
    await stop(server);
  }
}
