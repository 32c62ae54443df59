/**
 * `make bench`: every data-plane scenario in one invocation, so they are compared under the same
 * machine load. Prints progress, writes bench/results/<date>-<name>.json and regenerates
 * bench/BENCHMARKS.md. Every process it starts is stopped by PID at the end, also on Ctrl-C.
 *
 *   node dist/bench/run.js --help
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchContext } from './lib/context.js';
import { FORTIO_BIN, FORTIO_VERSION } from './lib/fortio.js';
import { describeMachine, gitCommit, packageVersion, versionOf } from './lib/machine.js';
import { measure } from './lib/measure.js';
import { PLANS, estimateSeconds, type ProfileName } from './lib/plan.js';
import { sampleTree } from './lib/procstat.js';
import { stop, stopAll, stopAllOnSignals, type Started } from './lib/processes.js';
import type { BenchResults, ControlPlaneRun, RunKind, RunRecord, ScenarioInfo } from './lib/results.js';
import { measureFanout } from './control-plane/fanout.js';
import type { HttpTarget, RunningScenario, Scenario } from './lib/scenario.js';
import { formatRun } from './report/progress.js';
import { newestResults } from './report/merge.js';
import { writeReport } from './report/write.js';
import { profileWhereMissed } from './profile/capture.js';
import { ALL_SCENARIOS } from './scenarios/index.js';
import { startUpstream } from './scenarios/upstream.js';

const USAGE = `usage: node dist/bench/run.js [--profile ${Object.keys(PLANS).join('|')}] [--only scenario,...] [--name label]
                            [--no-report] [--no-profile] [--no-control-plane]
scenarios: ${ALL_SCENARIOS.map((s) => s.name).join(', ')}, control-plane`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        profile: { type: 'string', default: 'quick' },
        only: { type: 'string' },
        name: { type: 'string', default: 'data-plane' },
        'no-report': { type: 'boolean', default: false },
        'no-profile': { type: 'boolean', default: false },
        'no-control-plane': { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    return usageError((err as Error).message);
  }
}

const values = parseCommandLine();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const profile = values.profile as ProfileName;
const settings = PLANS[profile];
if (!settings) usageError(`unknown profile ${values.profile}`);
const only = values.only?.split(',');
const unknown = only?.filter((name) => name !== 'control-plane' && !ALL_SCENARIOS.some((s) => s.name === name)) ?? [];
if (unknown.length) usageError(`unknown scenario ${unknown.join(', ')}`);
if (!existsSync(FORTIO_BIN)) throw new Error(`fortio is not at ${FORTIO_BIN}; run \`make bench\`, which builds it`);

const wanted = ALL_SCENARIOS.filter((s) => !only || only.includes(s.name));
const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  stopAllOnSignals();
  const loadAtStart = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  mkdirSync(join(dir, 'fortio'));
  log(`weft bench (${profile}): work dir ${dir}`);
  const base = { dir, proxyCpu: settings.proxyCpu, loadCpu: settings.loadCpu, asRoot: process.getuid?.() === 0, cpuProfile: false };
  const up = await startUpstream(base);
  const ctx: BenchContext = { ...base, upstream: up.upstream };

  const infos: ScenarioInfo[] = [];
  const live: { scenario: Scenario; running: RunningScenario }[] = [];
  for (const scenario of wanted) {
    const info: ScenarioInfo = { name: scenario.name, group: scenario.group, description: scenario.description, processes: [], idleRssBytes: {} };
    infos.push(info);
    const reason = scenario.unavailable?.();
    if (reason) {
      info.skipped = reason;
      log(`  skip ${scenario.name}: ${reason}`);
      continue;
    }
    let running: RunningScenario;
    try {
      running = await scenario.start(ctx);
    } catch (err) {
      // One scenario that cannot start must not cost the others their run; its processes are stopped at the end.
      info.skipped = `failed to start: ${(err as Error).message}`;
      log(`  skip ${scenario.name}: ${info.skipped}`);
      continue;
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of running.proxies) {
      info.processes.push({ name: p.name, command: p.command });
      info.idleRssBytes[p.name] = sampleTree(p.pid).rssBytes;
    }
    live.push({ scenario, running });
    log(`  started ${scenario.name} (${running.proxies.map((p) => `${p.name} pid ${p.pid}`).join(', ') || 'no proxy'})`);
  }
  const grpcCount = live.filter((l) => l.running.grpc).length;
  log(`about ${Math.ceil(estimateSeconds(settings, live.length, grpcCount) / 60)} minutes of load ahead`);

  const runs: RunRecord[] = [];
  const notes: string[] = [];
  let seq = 0;
  const run = async (scenario: string, kind: RunKind, round: number, qps: number, connections: number, sec: number, target: HttpTarget | { address: string; headers?: Record<string, string> }, proxies: Started[]): Promise<RunRecord | undefined> => {
    const isGrpc = 'address' in target;
    const measured = measure({
      scenario,
      kind,
      round,
      proxies,
      loadCpu: settings.loadCpu,
      logFile: join(dir, 'fortio.log'),
      spec: {
        qps,
        connections,
        durationSec: sec,
        kind: isGrpc ? 'grpc' : 'http',
        target: isGrpc ? target.address : target.url,
        headers: target.headers,
        jsonOut: join(dir, 'fortio', `${++seq}-${scenario}-${kind}-${qps}.json`),
      },
    });
    return measured.catch((err: unknown) => {
      const note = `${scenario} ${kind} ${qps || 'max'}: load run failed (${(err as Error).message})`;
      notes.push(note);
      log(`    ${note}`);
      return undefined;
    });
  };
  const keep = (r: RunRecord | undefined, label?: string): void => {
    if (!r) return;
    runs.push(r);
    log(formatRun(r, label));
  };

  log('warm-up');
  for (const { scenario, running } of live) if (running.http) await run(scenario.name, 'latency', 0, 500, settings.connections, 2, running.http, running.proxies);
  for (let round = 1; round <= settings.rounds; round++) {
    const of = settings.rounds > 1 ? ` (round ${round} of ${settings.rounds})` : '';
    for (const qps of settings.rates) {
      log(`latency at ${qps} rps, ${settings.connections} connections, ${settings.latencySec}s each${of}`);
      for (const { scenario, running } of live) {
        if (!running.http) continue;
        keep(await run(scenario.name, 'latency', round, qps, settings.connections, settings.latencySec, running.http, running.proxies));
      }
    }
    log(`maximum throughput, proxy pinned to CPU ${settings.proxyCpu}, ${settings.throughputConnections} connections, ${settings.throughputSec}s each${of}`);
    for (const { scenario, running } of live) {
      const t = running.throughput;
      if (!t) continue;
      keep(await run(scenario.name, 'throughput', round, 0, settings.throughputConnections, settings.throughputSec, t.http, t.proxy ? [t.proxy] : []), t.label);
    }
  }
  log(`gRPC ping at ${settings.grpcQps} rps`);
  for (const { scenario, running } of live) {
    if (!running.grpc) continue;
    keep(await run(scenario.name, 'grpc', 1, settings.grpcQps, settings.connections, settings.latencySec, running.grpc, running.proxies));
  }

  const date = new Date().toISOString();
  const results: BenchResults = {
    schema: 1,
    name: values.name ?? 'data-plane',
    date,
    profile,
    machine: describeMachine(),
    loadAverage: { start: loadAtStart, end: loadavg() },
    versions: {
      node: process.version,
      nginx: versionOf('nginx', ['-v']),
      haproxy: versionOf('haproxy', ['-v']),
      fortio: `${versionOf(FORTIO_BIN, ['version'])} (pinned ${FORTIO_VERSION})`,
      undici: packageVersion('undici'),
      'http-proxy': packageVersion('http-proxy'),
      weft: gitCommit(),
    },
    settings,
    upstream: up.processes.map((p) => ({ name: p.name, command: p.command })),
    scenarios: infos,
    runs,
    profiles: [],
    controlPlane: null,
    notes,
  };
  await Promise.all(live.flatMap((l) => l.running.proxies.map((p) => stop(p))));
  if (!values['no-profile']) {
    results.profiles = await profileWhereMissed(results, ctx, log).catch((err: unknown) => {
      notes.push(`profiling failed: ${(err as Error).message}`);
      return [];
    });
  }

  if (!values['no-control-plane'] && (!only || only.includes('control-plane'))) {
    log(`control-plane fan-out, ${settings.controlPlane.changes} changes per size`);
    const cpRuns: ControlPlaneRun[] = [];
    for (const size of settings.controlPlane.sizes) {
      const r = await measureFanout(ctx, size, settings.controlPlane.changes, settings.controlPlane.waitSec, log).catch((err: unknown) => {
        notes.push(`control-plane ${size.services}x${size.endpointsPerService} with ${size.proxies} proxies failed: ${(err as Error).message}`);
        log(`    ${notes.at(-1)}`);
        return undefined;
      });
      if (r) cpRuns.push(r);
    }
    results.controlPlane = { runs: cpRuns };
  }
  await stopAll();
  // The end figure covers every part that ran, the profiles and the control-plane fan-out too.
  results.loadAverage = { start: loadAtStart, end: loadavg() };

  const outDir = join('bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${date.slice(0, 10)}-${results.name}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${file}`);
  if (!values["no-report"]) log(`report: ${writeReport(file, newestResults(outDir, 'control-plane'))}`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
