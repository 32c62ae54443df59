/** One line of progress per load run, printed while the harness works. */
import type { RunRecord } from '../lib/results.js';
import { mb, ms } from './query.js';

export function formatRun(r: RunRecord, label?: string): string {
  const l = r.result.latencyMs;
  const head = `    ${r.scenario.padEnd(16)} ${r.kind.padEnd(10)} ${r.result.actualQps.toFixed(0).padStart(6)} rps`;
  const lat = `p50 ${ms(l.p50)} p90 ${ms(l.p90)} p99 ${ms(l.p99)} p99.9 ${ms(l.p999)} ms`;
  const usage = r.proxies.map((p) => `${p.name} ${mb(p.peakRssBytes)} ${p.cpuSecPer1000.toFixed(3)} cpu-s/1k`).join('; ');
  const flags = [r.result.errors > 0 ? `${r.result.errors} errors` : '', r.fellBehind ? 'FELL BEHIND' : '', label ?? ''].filter(Boolean);
  return [head, lat, usage, flags.join(', ')].filter(Boolean).join(' | ');
}
