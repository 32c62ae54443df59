/**
 * The import-graph check (`make imports`, .dependency-cruiser.cjs) run on small trees written here:
 * it must see NodeNext-style `./x.js` imports of `.ts` files, count type-only imports, and fail on
 * a cycle, or the check on the real tree would pass by seeing nothing; and hold the sidecar's floors
 * (docs/decisions/0003).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const cruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const run = promisify(execFile);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Writes `files` (paths under `top`) into a fresh directory with the repository's check config,
 * runs the check on `top` there.
 */
async function check(files: Record<string, string>, top = 'src'): Promise<{ failed: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-imports-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await copyFile(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, top, name)), { recursive: true });
    await writeFile(join(dir, top, name), text);
  }
  try {
    const { stdout, stderr } = await run(process.execPath, [cruise, '--config', '.dependency-cruiser.cjs', top], { cwd: dir, timeout: 60_000 });
    return { failed: false, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { failed: true, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the import-graph check', () => {
  it('passes a tree whose imports run one way', async () => {
    const r = await check({ 'a.ts': "import { b } from './b.js';\nexport const a = b + 1;\n", 'b.ts': 'export const b = 1;\n' });
    expect(r.output).toContain('no dependency violations');
    expect(r.output).toMatch(/2 modules, 1 dependencies/);
    expect(r.failed).toBe(false);
  });

  it('fails on a cycle, even one closed by a type-only import', async () => {
    const r = await check({
      'a.ts': "import { b } from './b.js';\nexport type A = { n: number };\nexport const a = b + 1;\n",
      'b.ts': "import type { A } from './a.js';\nexport const b: A['n'] = 1;\n",
    });
    expect(r.failed).toBe(true);
    expect(r.output).toContain('no-circular');
  });

  it('fails on an import of a file that does not exist', async () => {
    const r = await check({ 'a.ts': "import { gone } from './gone.js';\nexport const a = gone;\n" });
    expect(r.failed).toBe(true);
    expect(r.output).toContain('resolvable');
  });

  it('passes sidecar imports that run down the floors, and a test that reaches up', async () => {
    const r = await check(
      {
        'pipeline/types.ts': 'export type Layer = (n: number) => number;\n',
        'policy/fault.ts': "import type { Layer } from '../pipeline/types.js';\nexport const fault: Layer = (n) => n;\n",
        'sidecar.ts': "import { fault } from './policy/fault.js';\nexport const run = fault(1);\n",
        'pipeline/types.test.ts': "import { run } from '../sidecar.js';\nexport const t = run;\n",
      },
      'sidecar',
    );
    expect(r.output).toContain('no dependency violations');
    expect(r.failed).toBe(false);
  });

  it.each<{ what: string; files: Record<string, string>; rule: string }>([
    {
      what: 'a lower sidecar floor imports a higher one',
      files: {
        'pipeline/types.ts': "import type { Fault } from '../policy/fault.js';\nexport type Layer = Fault;\n",
        'policy/fault.ts': 'export type Fault = number;\n',
      },
      rule: 'sidecar-floor-pipeline',
    },
    {
      what: 'a sidecar floor imports the assembly at the sidecar root',
      files: { 'observe/meter.ts': "import { run } from '../sidecar.js';\nexport const m = run;\n", 'sidecar.ts': 'export const run = 1;\n' },
      rule: 'sidecar-floor-observe',
    },
  ])('fails when $what', async ({ files, rule }) => {
    const r = await check(files, 'sidecar');
    expect(r.failed).toBe(true);
    expect(r.output).toContain(rule);
  });
});
