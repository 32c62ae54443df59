/** Regenerate bench/BENCHMARKS.md from a results file: `node dist/bench/report/main.js bench/results/<file>.json`. */
import { writeReport } from './write.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node dist/bench/report/main.js bench/results/<date>-<name>.json');
  process.exit(2);
}
console.log(writeReport(file));
