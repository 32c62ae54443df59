/**
 * The flag keepRequestObjectsYoung sets at run time really changes where V8 allocates: checked in
 * fresh processes, one that teaches V8 a long-lived allocation site and one that also calls it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtEntry } from '../common/testing/built-entry.js';

const module = builtEntry('sidecar/young-generation.js');
const run = promisify(execFile);

/**
 * Warms one object-literal site up with objects that all survive scavenges (what made V8 pretenure
 * per-request sites under load), then reports where 20 000 fresh objects of that site went.
 */
const probe = (keepYoung: boolean): string =>
  [
    "import v8 from 'node:v8';",
    `if (${keepYoung}) (await import(${JSON.stringify(module.href)})).keepRequestObjectsYoung();`,
    'function make(i) { return { i, a: null, b: null }; }',
    "const used = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name).space_used_size;",
    'let keep = [];',
    'for (let round = 0; round < 40; round++) {',
    '  for (let i = 0; i < 20000; i++) keep.push(make(i));',
    "  gc({ type: 'minor' });",
    '}',
    'keep = [];',
    "gc({ type: 'minor' }); gc({ type: 'minor' });",
    'const fresh = new Array(20000);',
    "const old0 = used('old_space'), young0 = used('new_space');",
    'for (let i = 0; i < 20000; i++) fresh[i] = make(i);',
    "console.log(JSON.stringify({ oldKB: (used('old_space') - old0) >> 10, youngKB: (used('new_space') - young0) >> 10 }));",
  ].join('\n');

async function whereFreshObjectsGo(keepYoung: boolean): Promise<{ oldKB: number; youngKB: number }> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe(keepYoung)], { timeout: 60_000 });
  return JSON.parse(stdout.trim()) as { oldKB: number; youngKB: number };
}

describe('keepRequestObjectsYoung', () => {
  it('without it, V8 allocates a site whose objects survived straight into the old generation', async () => {
    const { oldKB, youngKB } = await whereFreshObjectsGo(false);
    // 20 000 objects of 5 fields are about 780 KB.
    expect(oldKB).toBeGreaterThan(500);
    expect(youngKB).toBeLessThan(100);
  });

  it('with it, the same site keeps allocating young', async () => {
    const { oldKB, youngKB } = await whereFreshObjectsGo(true);
    expect(oldKB).toBeLessThan(100);
    expect(youngKB).toBeGreaterThan(500);
  });
});
