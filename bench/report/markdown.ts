/** Renders BENCHMARKS.md from one results file: tables with ratios against direct and the peers. */
import type { BenchResults, ControlPlaneRun, RunRecord } from '../lib/results.js';
import { findRun, mb, ms, ranScenarios, ratio, rpsPerCpuSecond } from './query.js';
import { evaluateTargets, statusWord } from './targets.js';

const PEERS = ['nginx-pair', 'haproxy-pair'];

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function flags(r: RunRecord): string {
  return [r.result.errors > 0 ? `${r.result.errors} errors` : '', r.fellBehind ? 'generator fell behind' : ''].filter(Boolean).join(', ');
}

function latencySection(results: BenchResults, qps: number): string {
  const direct = findRun(results, 'direct', 'latency', qps)?.result.latencyMs;
  const peerP99 = PEERS.map((p) => findRun(results, p, 'latency', qps)?.result.latencyMs.p99);
  const rows = ranScenarios(results).flatMap((name) => {
    const r = findRun(results, name, 'latency', qps);
    if (!r) return [];
    const l = r.result.latencyMs;
    const added = direct ? `+${ms(l.p99 - direct.p99)}` : '–';
    return [[name, ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), added, ...peerP99.map((p) => ratio(l.p99, p)), flags(r)]];
  });
  return `### ${qps} rps\n\n${table(['scenario', 'p50', 'p90', 'p99', 'p99.9', 'added p99 vs direct', ...PEERS.map((p) => `p99 vs ${p}`), 'notes'], rows)}`;
}

function throughputSection(results: BenchResults): string {
  const direct = findRun(results, 'direct', 'throughput')?.result.actualQps;
  const nginxRun = findRun(results, 'nginx-pair', 'throughput');
  const nginx = nginxRun?.result.actualQps;
  const nginxPerCpu = nginxRun?.proxies[0] ? rpsPerCpuSecond(nginxRun.proxies[0].cpuSecPer1000) : undefined;
  const rows = ranScenarios(results).flatMap((name) => {
    const r = findRun(results, name, 'throughput');
    if (!r) return [];
    const p = r.proxies[0];
    const perCpu = p ? rpsPerCpuSecond(p.cpuSecPer1000) : undefined;
    return [[name, Math.round(r.result.actualQps).toString(), ratio(r.result.actualQps, direct), ratio(r.result.actualQps, nginx), ms(r.result.latencyMs.p99), p ? p.cpuSecPer1000.toFixed(3) : '–', perCpu ? Math.round(perCpu).toString() : '–', ratio(perCpu, nginxPerCpu), p ? mb(p.peakRssBytes) : '–', flags(r)]];
  });
  return table(['scenario', 'rps', 'vs direct', 'vs nginx (one hop)', 'p99 ms', 'CPU s / 1000 req', 'rps per CPU second', 'per CPU vs nginx', 'peak RSS', 'notes'], rows);
}

function resourceSection(results: BenchResults): string {
  const rows = ranScenarios(results).flatMap((name) => {
    const info = results.scenarios.find((s) => s.name === name);
    const r = findRun(results, name, 'latency', 1000);
    if (!info || !r) return [];
    return r.proxies.map((p) => [name, p.name, mb(info.idleRssBytes[p.name] ?? 0), mb(p.peakRssBytes), p.cpuSecPer1000.toFixed(3)]);
  });
  return table(['scenario', 'process', 'RSS idle', 'RSS at 1000 rps', 'CPU s / 1000 req at 1000 rps'], rows);
}

function grpcSection(results: BenchResults): string {
  const direct = findRun(results, 'direct', 'grpc')?.result.latencyMs;
  const rows = ranScenarios(results).flatMap((name) => {
    const r = findRun(results, name, 'grpc');
    if (!r) return [];
    const l = r.result.latencyMs;
    const cpu = r.proxies.reduce((a, p) => a + p.cpuSecPer1000, 0);
    return [[name, ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), direct ? `+${ms(l.p99 - direct.p99)}` : '–', r.proxies.length ? cpu.toFixed(3) : '–', flags(r)]];
  });
  return table(['scenario', 'p50', 'p90', 'p99', 'p99.9', 'added p99 vs direct', 'CPU s / 1000 req (all hops)', 'notes'], rows);
}

function profileSection(results: BenchResults): string {
  if (results.profiles.length === 0) return 'No target was missed by a measured weft scenario, or profiling was off; no profile taken.';
  return results.profiles
    .map((p) => {
      const rows = (frames: typeof p.topFrames): string[][] => frames.map((f) => [f.selfPercent.toFixed(1), `\`${f.name}\``, f.location]);
      return [
        `**${p.scenario}** (${p.reason}; \`${p.file}\`)`,
        `Top functions by self time (share of busy time):\n\n${table(['self %', 'function', 'where'], rows(p.topFrames))}`,
        `weft's own functions by total time (themselves and what they call):\n\n${table(['total %', 'function', 'where'], rows(p.weftFrames ?? []))}`,
      ].join('\n\n');
    })
    .join('\n\n');
}

const scopeNotes: Record<ControlPlaneRun['scope'], string> = {
  'config-server fan-out':
    '`config-server fan-out`: a change signalled to the config server and translator (their own process, cluster state in memory) until every simulated proxy (gRPC clients in the harness) received the new snapshot; debounce (100 ms quiet) included, the Kubernetes watch path not.',
  'api-server':
    '`api-server`: an EndpointSlice PATCHed in the real API server of the local cluster until every simulated proxy received a config carrying the change; the whole path (API server, watch, cluster state, debounce, translation, push) of a real `weft-control-plane` process. The target counts only these runs.',
};

function controlPlaneSection(results: BenchResults): string {
  const runs = results.controlPlane?.runs ?? [];
  if (runs.length === 0) return 'Not measured in this run (see docs/benchmarks.md).';
  const rows = runs.map((r) => [
    r.scope,
    `${r.services}x${r.endpointsPerService}`,
    String(r.proxies),
    `${r.propagationMs.p50} ms`,
    `${r.propagationMs.p99} ms`,
    r.missed ? `${r.missed} of ${r.proxies * r.changes}` : '0',
    mb(r.rssBytes),
    (r.cpuSec / r.changes).toFixed(2),
    `${(r.pushBytes / 1024).toFixed(0)} KiB`,
  ]);
  const source = results.controlPlane?.source;
  const from = source ? `Measured ${source.date}${source.weft ? ` (weft ${source.weft})` : ''} by \`make bench-control-plane\`; from \`${source.file}\`.\n\n` : '';
  const scopes = [...new Set(runs.map((r) => r.scope))].map((s) => scopeNotes[s]);
  const notes = (source?.notes ?? []).map((n) => `- ${n}`);
  const commands = [...new Set(runs.map((r) => `- ${r.scope} ${r.services}x${r.endpointsPerService}, ${r.proxies} proxies: \`${r.command}\``))];
  return [
    `${from}${table(['scope', 'services x endpoints', 'proxies', 'propagation p50', 'p99', 'missed', 'server RSS', 'CPU s per change', 'pushed per change'], rows)}`,
    scopes.join('\n\n'),
    ...(notes.length ? [notes.join('\n')] : []),
    commands.join('\n'),
  ].join('\n\n');
}

function commandsSection(results: BenchResults): string {
  const lines = [
    ...results.upstream.map((p) => `- upstream \`${p.name}\`: \`${p.command}\``),
    ...results.scenarios.flatMap((s) => (s.skipped ? [`- ${s.name}: skipped (${s.skipped})`] : s.processes.map((p) => `- ${s.name} \`${p.name}\`: \`${p.command}\``))),
    ...results.runs.map((r) => `- ${r.scenario} ${r.kind}${r.result.requestedQps ? ` ${r.result.requestedQps} rps` : ''}: \`${r.command}\``),
  ];
  return lines.join('\n');
}

function loadLine(results: BenchResults): string {
  const l = results.loadAverage;
  if (!l) return '';
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(' / ');
  return `\n- **Machine load** (load average 1 / 5 / 15 min; ${results.machine.cores} cores) ${fmt(l.start)} at the start, ${fmt(l.end)} at the end`;
}

export function renderBenchmarks(results: BenchResults, source: string): string {
  const m = results.machine;
  const s = results.settings;
  const v = Object.entries(results.versions).map(([k, val]) => `${k} ${val}`).join(', ');
  const targets = evaluateTargets(results).map((t) => [t.target, t.measured, statusWord(t)]);
  const sources = [source, ...(results.controlPlane?.source?.file ? [results.controlPlane.source.file] : [])];
  return `# weft benchmarks

Generated from \`${sources.join('\` and \`')}\` by \`node dist/bench/report/main.js ${sources.join(' ')}\`; do not edit by hand.
Run \`make bench\` (a few minutes) or \`make bench-full\` to measure the data plane again, \`make bench-control-plane\` the control plane; docs/benchmarks.md says how to read this.

- **Date** ${results.date} (profile \`${results.profile}\`)
- **Machine** ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(0)} GiB, Linux ${m.kernel}
- **Versions** ${v}${loadLine(results)}
- **Load** fortio, open model at a fixed rate (\`-qps N -uniform\`), ${s.connections} connections, ${s.latencySec}s per row; 1 KiB responses from nginx serving a static file.
  Proxies pinned to CPU ${s.proxyCpu} (both hops of a pair share it); load generator and upstream pinned to CPU ${s.loadCpu}. Latencies in milliseconds.
${results.notes.map((n) => `- ${n}`).join('\n')}

## Targets (reported, not asserted)

${table(['target', 'measured', 'status'], targets)}

## Latency, HTTP/1.1

${s.rates.map((q) => latencySection(results, q)).join('\n\n')}

## Maximum throughput, one proxy held to one core

${s.throughputConnections} connections, closed loop, ${s.throughputSec}s. For the pairs this is the server-side hop alone; for \`direct\`, the upstream alone.
On a shared machine the proxy's core is not all its own, so the rate it reaches understates it; \`rps per CPU second\`
(1000 / CPU seconds per 1000 requests) is what it would serve with the whole core, and is the steadier figure.

${throughputSection(results)}

## Memory and CPU

${resourceSection(results)}

## gRPC (HTTP/2) at ${s.grpcQps} rps

${grpcSection(results)}

## Where the time goes

${profileSection(results)}

## Control plane

${controlPlaneSection(results)}

## Commands

${commandsSection(results)}
`;
}
