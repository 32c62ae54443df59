/** Writes bench/BENCHMARKS.md from the data-plane results and, when there is one, a control-plane results file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../lib/results.js';
import { renderBenchmarks } from './markdown.js';
import { withControlPlane } from './merge.js';

const read = (file: string): BenchResults => JSON.parse(readFileSync(file, 'utf8')) as BenchResults;

export function writeReport(resultsFile: string, controlPlaneFile?: string, outFile = join('bench', 'BENCHMARKS.md')): string {
  const results = withControlPlane(read(resultsFile), controlPlaneFile ? read(controlPlaneFile) : undefined, controlPlaneFile);
  writeFileSync(outFile, renderBenchmarks(results, resultsFile));
  return outFile;
}
