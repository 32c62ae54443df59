/** The measuring loop both control-plane scopes share: make a change, wait (bounded) until every proxy has it, sample the server. */
import { sampleTree } from '../lib/procstat.js';
import type { ControlPlaneRun } from '../lib/results.js';
import type { SimulatedProxy } from './simulated-proxy.js';
import { percentile } from './stats.js';

/** The size of one control-plane run: Services, endpoints per Service, proxies (both scopes measure these). */
export interface FanoutSize {
  services: number;
  endpointsPerService: number;
  proxies: number;
}

const BETWEEN_CHANGES_MS = 1500;

export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

export interface ChangeLoop {
  name: string;
  /** The control-plane process measured. */
  pid: number;
  proxies: SimulatedProxy[];
  changes: number;
  waitMs: number;
  /** Make change k; resolves with the wall time (ms) it was made. */
  apply(k: number): Promise<number>;
  /** Wall time proxy `p` received change k, once it has (called only after it received something). */
  arrival(p: SimulatedProxy, k: number): number | undefined;
  log: (line: string) => void;
}

export interface Measured {
  samples: number[];
  missed: number;
  peakRssBytes: number;
  cpuSec: number;
  pushBytesPerChange: number;
}

export async function measureChanges(loop: ChangeLoop): Promise<Measured> {
  const { proxies } = loop;
  const before = sampleTree(loop.pid);
  const bytesBefore = proxies.reduce((a, p) => a + p.bytes, 0);
  const samples: number[] = [];
  let missed = 0;
  let peakRssBytes = before.rssBytes;
  for (let k = 1; k <= loop.changes; k++) {
    for (const p of proxies) p.reset();
    const t0 = await loop.apply(k);
    const seen = new Map<SimulatedProxy, number>();
    const settle = (): boolean => {
      for (const p of proxies) {
        if (seen.has(p) || p.arrivals.length === 0) continue;
        const at = loop.arrival(p, k);
        if (at !== undefined) seen.set(p, at);
      }
      return seen.size === proxies.length;
    };
    // The cheap check first (anything arrived at all); arrivals keep being stamped meanwhile.
    await until(() => proxies.every((p) => p.arrivals.length > 0) && settle(), loop.waitMs);
    settle();
    peakRssBytes = Math.max(peakRssBytes, sampleTree(loop.pid).rssBytes);
    const times = [...seen.values()].map((at) => at - t0);
    samples.push(...times);
    missed += proxies.length - seen.size;
    loop.log(`      ${loop.name} change ${k}/${loop.changes}: ${seen.size}/${proxies.length} proxies, the last after ${Math.round(Math.max(0, ...times))} ms`);
    await new Promise((r) => setTimeout(r, BETWEEN_CHANGES_MS));
  }
  const after = sampleTree(loop.pid);
  return { samples, missed, peakRssBytes, cpuSec: after.cpuSec - before.cpuSec, pushBytesPerChange: Math.round((proxies.reduce((a, p) => a + p.bytes, 0) - bytesBefore) / loop.changes) };
}

export function controlPlaneRun(scope: ControlPlaneRun['scope'], size: FanoutSize, changes: number, m: Measured, command: string, log: (line: string) => void): ControlPlaneRun {
  const run: ControlPlaneRun = {
    scope,
    ...size,
    changes,
    missed: m.missed,
    propagationMs: { p50: Math.round(percentile(m.samples, 50)), p99: Math.round(percentile(m.samples, 99)) },
    rssBytes: m.peakRssBytes,
    cpuSec: m.cpuSec,
    pushBytes: m.pushBytesPerChange,
    command,
  };
  log(
    `    ${scope} ${size.services}x${size.endpointsPerService}, ${size.proxies} proxies: propagation p50 ${run.propagationMs.p50} ms p99 ${run.propagationMs.p99} ms, ` +
      `control plane RSS ${(run.rssBytes / 2 ** 20).toFixed(0)} MB, ${(run.cpuSec / changes).toFixed(2)} CPU s per change, ${(run.pushBytes / 1024).toFixed(0)} KiB pushed per change` +
      (run.missed ? `, ${run.missed} updates missed` : ''),
  );
  return run;
}
