/** Writes bench/BENCHMARKS.md from a results file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../lib/results.js';
import { renderBenchmarks } from './markdown.js';

export function writeReport(resultsFile: string, outFile = join('bench', 'BENCHMARKS.md')): string {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults;
  writeFileSync(outFile, renderBenchmarks(results, resultsFile));
  return outFile;
}
