/**
 * Regenerate bench/BENCHMARKS.md: `node dist/bench/report/main.js [data-plane.json [control-plane.json]]`.
 * Without arguments, the newest data-plane and the newest control-plane results in bench/results.
 */
import { join } from 'node:path';
import { newestResults } from './merge.js';
import { writeReport } from './write.js';

const dir = join('bench', 'results');
const dataPlane = process.argv[2] ?? newestResults(dir, 'data-plane');
const controlPlane = process.argv[3] ?? newestResults(dir, 'control-plane');
if (!dataPlane) {
  console.error('usage: node dist/bench/report/main.js [bench/results/<date>-data-plane.json [bench/results/<date>-control-plane.json]]');
  process.exit(2);
}
console.log(writeReport(dataPlane, controlPlane));
