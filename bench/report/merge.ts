/**
 * BENCHMARKS.md is written from two results files: the newest data-plane run (`make bench`) and
 * the newest control-plane run (`make bench-control-plane`), which are measured apart.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../lib/results.js';

/** The newest `<date>-<name>.json` in `dir`: by the date in the name, then by modification time. */
export function newestResults(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(`-${name}.json`) && /^\d{4}-\d{2}-\d{2}-/.test(f))
    .map((f) => ({ path: join(dir, f), date: f.slice(0, 10), mtime: statSync(join(dir, f)).mtimeMs }));
  files.sort((a, b) => (a.date === b.date ? b.mtime - a.mtime : a.date < b.date ? 1 : -1));
  return files[0]?.path;
}

/** The data-plane results with the control-plane section of `controlPlane` (when it has one) in place of its own. */
export function withControlPlane(dataPlane: BenchResults, controlPlane: BenchResults | undefined, controlPlaneFile = ''): BenchResults {
  if (!controlPlane?.controlPlane?.runs.length) return dataPlane;
  return {
    ...dataPlane,
    controlPlane: {
      runs: controlPlane.controlPlane.runs,
      source: { file: controlPlaneFile, date: controlPlane.date, weft: controlPlane.versions.weft, notes: controlPlane.notes },
    },
  };
}
