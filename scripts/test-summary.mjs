#!/usr/bin/env node
// Sums vitest JSON reports into the single line CI reads: "N passed, N failed".
// Usage: test-summary.mjs DIR [NAME...] — each NAME (e.g. unit, e2e) is a report that must exist;
// a missing one (its suite never got to run) counts as a failure. Exits non-zero on any failure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir = '.vitest-results', ...expected] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of files) {
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += r.numPassedTests;
  let f = r.numFailedTests;
  // A test file that failed to load has no failed tests but fails its suite: count it.
  if (!r.success && f === 0) f = Math.max(1, r.numFailedTestSuites);
  failed += f;
  process.stderr.write(`${file}: ${r.numPassedTests} passed, ${f} failed\n`);
}
for (const name of expected) {
  if (!files.includes(`${name}.json`)) {
    process.stderr.write(`${name}: no report (the suite did not run)\n`);
    failed++;
  }
}
if (files.length === 0 && expected.length === 0) {
  process.stderr.write(`no vitest JSON report in ${dir}\n`);
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
