/** One measured load run: fortio on the load CPU while the proxies' CPU and RSS are sampled from /proc. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { FORTIO_BIN, fellBehind, fortioArgs, parseFortioResult, type LoadSpec } from './fortio.js';
import { cpuPer1000, sampleTree, type ProcSample } from './procstat.js';
import { commandLine, pinned, runToEnd, type Started } from './processes.js';
import type { RunKind, RunRecord } from './results.js';

export interface MeasureInput {
  scenario: string;
  kind: RunKind;
  round: number;
  spec: LoadSpec;
  proxies: Started[];
  loadCpu: number;
  logFile: string;
}

const SAMPLE_EVERY_MS = 250;

export async function measure(input: MeasureInput): Promise<RunRecord> {
  const args = fortioArgs(input.spec);
  const before = new Map<number, ProcSample>(input.proxies.map((p) => [p.pid, sampleTree(p.pid)]));
  const peak = new Map<number, number>(input.proxies.map((p) => [p.pid, 0]));
  const sampler = setInterval(() => {
    for (const p of input.proxies) peak.set(p.pid, Math.max(peak.get(p.pid) ?? 0, sampleTree(p.pid).rssBytes));
  }, SAMPLE_EVERY_MS);
  try {
    await runToEnd(`fortio ${input.scenario}`, FORTIO_BIN, args, { cpu: input.loadCpu, logFile: input.logFile });
  } finally {
    clearInterval(sampler);
  }
  const result = parseFortioResult(readFileSync(input.spec.jsonOut, 'utf8'));
  const proxies = input.proxies.map((p) => {
    const after = sampleTree(p.pid);
    const start = before.get(p.pid) ?? after;
    return {
      name: p.name,
      peakRssBytes: Math.max(peak.get(p.pid) ?? 0, after.rssBytes),
      cpuSecPer1000: cpuPer1000(start, after, result.count),
    };
  });
  const [file, argv] = pinned(input.loadCpu, FORTIO_BIN.replace(homedir(), '~'), args);
  return { scenario: input.scenario, kind: input.kind, round: input.round, command: commandLine(file, argv), result, proxies, fellBehind: fellBehind(result) };
}
