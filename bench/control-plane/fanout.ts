/**
 * Control-plane fan-out: the config server and translator in their own process with N services x M
 * endpoints, P simulated proxies in this one. Each change (an endpoint's readiness) is signalled to
 * the server with the wall time it was made; a proxy's propagation time is the first update it
 * receives after that. This covers the debounce, translation, snapshot build and push, not the
 * Kubernetes watch (the api-server scope, bench/control-plane/apiserver.ts, adds that).
 */
import { join } from 'node:path';
import { logPath, type BenchContext } from '../lib/context.js';
import { sampleTree } from '../lib/procstat.js';
import { start, stop, waitForLine } from '../lib/processes.js';
import type { ControlPlaneRun } from '../lib/results.js';
import { portAnnouncement } from '../scenarios/node-process.js';
import { SimulatedProxy } from './simulated-proxy.js';
import { percentile } from './stats.js';

export interface FanoutSize {
  services: number;
  endpointsPerService: number;
  proxies: number;
}

const BETWEEN_CHANGES_MS = 1500;

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

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
    const before = sampleTree(server.pid);
    const bytesBefore = proxies.reduce((a, p) => a + p.bytes, 0);
    const samples: number[] = [];
    let missed = 0;
    let peakRss = before.rssBytes;
    for (let k = 1; k <= changes; k++) {
      for (const p of proxies) p.arrivals = [];
      const t0 = performance.timeOrigin + performance.now();
      server.child.stdin?.write(`change ${k} ${t0}\n`);
      await until(() => proxies.every((p) => p.arrivals.length > 0), waitMs);
      peakRss = Math.max(peakRss, sampleTree(server.pid).rssBytes);
      for (const p of proxies) {
        const at = p.arrivals[0];
        if (at === undefined) missed++;
        else samples.push(at - t0);
      }
      await new Promise((r) => setTimeout(r, BETWEEN_CHANGES_MS));
    }
    const after = sampleTree(server.pid);
    const run: ControlPlaneRun = {
      scope: 'config-server fan-out',
      services: size.services,
      endpointsPerService: size.endpointsPerService,
      proxies: size.proxies,
      changes,
      missed,
      propagationMs: { p50: Math.round(percentile(samples, 50)), p99: Math.round(percentile(samples, 99)) },
      rssBytes: peakRss,
      cpuSec: after.cpuSec - before.cpuSec,
      pushBytes: Math.round((proxies.reduce((a, p) => a + p.bytes, 0) - bytesBefore) / changes),
      command: `${server.command}  # plus ${size.proxies} simulated proxies in the harness, ${changes} changes`,
    };
    log(`    ${name}: propagation p50 ${run.propagationMs.p50} ms p99 ${run.propagationMs.p99} ms, server RSS ${(run.rssBytes / 2 ** 20).toFixed(0)} MB, ${run.cpuSec.toFixed(2)} CPU s for ${changes} changes, ${(run.pushBytes / 1024).toFixed(0)} KiB pushed per change${missed ? `, ${missed} updates missed` : ''}`);
    return run;
  } finally {
    for (const p of proxies) p.close();
    await stop(server);
  }
}
