/**
 * `make bench-control-plane`: the control-plane benchmarks in one run, written to
 * bench/results/<date>-control-plane.json and merged into bench/BENCHMARKS.md.
 *   - fan-out: the config server and translator in a process of their own (no Kubernetes);
 *   - api-server (with --kubeconfig; run inside the cluster's network namespace): a real
 *     weft-control-plane against the local cluster's API server (bench/control-plane/apiserver.ts).
 * Sizes are services x endpoints x proxies. Every wait is bounded; processes are stopped by PID and
 * the namespaces it creates are deleted, also on Ctrl-C.
 *
 *   node dist/bench/control-plane/main.js [--kubeconfig PATH] [--scopes fan-out,api-server]
 *     [--sizes 10x10x10,100x10x100,1000x10x100,1000x10x1000] [--changes 4] [--wait 30] [--no-report]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClientNodeKube } from '../../control-plane/kube/client.js';
import { describeMachine, gitCommit } from '../lib/machine.js';
import { PLANS } from '../lib/plan.js';
import { stopAll } from '../lib/processes.js';
import type { BenchResults, ControlPlaneRun } from '../lib/results.js';
import { topFrames, weftTotals, type CpuProfile } from '../profile/top-frames.js';
import { newestResults } from '../report/merge.js';
import { writeReport } from '../report/write.js';
import { createBenchObjects, deleteBenchNamespace, measureApiServer, type ApiServerBench } from './apiserver.js';
import { measureFanout } from './fanout.js';
import type { FanoutSize } from './measure-changes.js';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    scopes: { type: 'string' },
    sizes: { type: 'string', default: '10x10x10,100x10x100,1000x10x100,1000x10x1000' },
    changes: { type: 'string', default: '4' },
    wait: { type: 'string', default: '30' },
    'no-report': { type: 'boolean', default: false },
  },
});

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const scopes = (values.scopes ?? (values.kubeconfig ? 'fan-out,api-server' : 'fan-out')).split(',');
const changes = Math.max(1, Math.min(20, Number(values.changes)));
const waitSec = Math.max(5, Math.min(300, Number(values.wait)));
const sizes: FanoutSize[] = values.sizes.split(',').map((s) => {
  const [services, endpointsPerService, proxies] = s.split('x').map(Number);
  if (!services || !endpointsPerService || !proxies || proxies > 1000 || endpointsPerService > 254) throw new Error(`bad size ${s}: services x endpoints (<= 254) x proxies (<= 1000)`);
  return { services, endpointsPerService, proxies };
});
if (scopes.includes('api-server') && !values.kubeconfig) throw new Error('the api-server scope needs --kubeconfig');

const namespaces = new Set<string>();
const dir = mkdtempSync(join(tmpdir(), 'weft-bench-cp-'));
const notes: string[] = [];
let api: ApiServerBench | undefined;

async function cleanUp(): Promise<void> {
  await stopAll();
  if (api) for (const ns of namespaces) await deleteBenchNamespace(api, ns, 60_000);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping processes and deleting ${namespaces.size} namespace(s)`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function fanout(): Promise<ControlPlaneRun[]> {
  log(`fan-out (config server and translator in their own process), ${changes} changes per size`);
  const ctx = { dir, upstream: { httpPort: 0, grpcPort: 0 }, proxyCpu: 1, loadCpu: 0, asRoot: false, cpuProfile: false };
  const runs: ControlPlaneRun[] = [];
  for (const size of sizes) {
    const r = await measureFanout(ctx, size, changes, waitSec, log).catch((err: unknown) => void notes.push(`fan-out ${size.services}x${size.endpointsPerService}, ${size.proxies} proxies failed: ${(err as Error).message}`));
    if (r) runs.push(r);
  }
  return runs;
}

/** One namespace per services x endpoints, measured with each proxy count, then deleted. */
async function apiServer(b: ApiServerBench): Promise<ControlPlaneRun[]> {
  log(`api-server (weft-control-plane against ${values.kubeconfig}), ${changes} EndpointSlice changes per size`);
  const runs: ControlPlaneRun[] = [];
  const groups = new Map<string, FanoutSize[]>();
  for (const s of sizes) groups.set(`${s.services}x${s.endpointsPerService}`, [...(groups.get(`${s.services}x${s.endpointsPerService}`) ?? []), s]);
  for (const [label, group] of groups) {
    const ns = `weft-bench-cp-${label}-${randomBytes(2).toString('hex')}`;
    namespaces.add(ns);
    try {
      log(`  ${ns}: creating ${group[0]!.services} Services and EndpointSlices of ${group[0]!.endpointsPerService} endpoints`);
      await createBenchObjects(b, ns, group[0]!.services, group[0]!.endpointsPerService);
      for (const size of group) {
        const r = await measureApiServer(b, ns, size).catch((err: unknown) => void notes.push(`api-server ${label}, ${size.proxies} proxies failed: ${(err as Error).message}`));
        if (r) runs.push(r);
      }
    } catch (err) {
      notes.push(`api-server ${label} failed: ${(err as Error).message}`);
    } finally {
      await deleteBenchNamespace(b, ns);
      namespaces.delete(ns);
    }
  }
  return runs;
}

/** Where the control plane's time goes when the target is missed: one more, profiled, run of that size. */
async function profileMiss(b: ApiServerBench, runs: ControlPlaneRun[]): Promise<void> {
  const miss = runs.find((r) => r.scope === 'api-server' && r.services >= 1000 && r.proxies >= 1000 && r.propagationMs.p99 >= 1000);
  if (!miss) return;
  const profDir = join(dir, 'profiles');
  mkdirSync(profDir, { recursive: true });
  const ns = `weft-bench-cp-profile-${randomBytes(2).toString('hex')}`;
  namespaces.add(ns);
  log(`  the 1 s target was missed (p99 ${miss.propagationMs.p99} ms): one more run with --cpu-prof`);
  try {
    await createBenchObjects(b, ns, miss.services, miss.endpointsPerService);
    await measureApiServer({ ...b, changes: 2, nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profDir] }, ns, miss);
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return void notes.push('the profiled run left no profile');
    const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
    const fmt = (fs: { name: string; location: string; selfPercent: number }[]): string => fs.map((f) => `${f.name} (${f.location || 'native'}) ${f.selfPercent.toFixed(1)}%`).join(', ');
    notes.push(`api-server ${miss.services}x${miss.endpointsPerService} with ${miss.proxies} proxies misses the 1 s target by ${miss.propagationMs.p99 - 1000} ms at p99. Control-plane CPU profile of a separate run (${join(profDir, file)}), top frames by self time: ${fmt(topFrames(profile, 8))}; weft functions by total time: ${fmt(weftTotals(profile, 8))}`);
  } finally {
    await deleteBenchNamespace(b, ns);
    namespaces.delete(ns);
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  log(`weft control-plane bench: work dir ${dir}`);
  const runs: ControlPlaneRun[] = [];
  if (scopes.includes('fan-out')) runs.push(...(await fanout()));
  if (scopes.includes('api-server') && values.kubeconfig) {
    api = { kube: ClientNodeKube.load(values.kubeconfig), kubeconfig: values.kubeconfig, dir, changes, waitSec, log };
    runs.push(...(await apiServer(api)));
    await profileMiss(api, runs).catch((err: unknown) => void notes.push(`profiling failed: ${(err as Error).message}`));
  }
  const date = new Date().toISOString();
  const results: BenchResults = {
    schema: 1,
    name: 'control-plane',
    date,
    profile: 'quick',
    machine: describeMachine(),
    loadAverage: { start: loadAtStart, end: loadavg() },
    versions: { node: process.version, weft: gitCommit() },
    settings: { ...PLANS.quick, controlPlane: { sizes, changes, waitSec } },
    upstream: [],
    scenarios: [],
    runs: [],
    profiles: [],
    controlPlane: { runs },
    notes,
  };
  const outDir = join('bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${date.slice(0, 10)}-control-plane.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${file}`);
  const dataPlane = newestResults(outDir, 'data-plane');
  if (!values['no-report'] && dataPlane) log(`report: ${writeReport(dataPlane, file)}`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`control-plane bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
