#!/usr/bin/env node
// Sums vitest JSON reports (one per suite run) into the single line CI reads:
// "N passed, N failed". Exits non-zero when anything failed or no report exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.vitest-results';
let passed = 0;
let failed = 0;
let reports = 0;
let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith('.json'));
} catch {
  // no directory: no report, counted below
}
for (const file of files) {
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  reports++;
  passed += r.numPassedTests;
  let f = r.numFailedTests;
  // A test file that failed to load has no failed tests but fails its suite: count it.
  if (!r.success && f === 0) f = Math.max(1, r.numFailedTestSuites);
  failed += f;
  process.stderr.write(`${file}: ${r.numPassedTests} passed, ${f} failed\n`);
}
if (reports === 0) {
  process.stderr.write(`no vitest JSON report in ${dir}\n`);
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
