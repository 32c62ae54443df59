/** README's layout table must name only paths that exist, so the map of the repository never runs ahead of it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every backticked path in the first column of the table under `## Layout`. */
function layoutPaths(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Layout\n'));
  if (!section) throw new Error('README has no "## Layout" section');
  const rows = section.split('\n').filter((line) => line.startsWith('|') && !/^\|\s*(path|-+)\s*\|/.test(line));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''));
}

/** The paths of `paths` that do not exist under `base`. */
function missingPaths(base: string, paths: string[]): string[] {
  return paths.filter((p) => !existsSync(join(base, p)));
}

describe("README's layout table", () => {
  it('names only paths that exist in the repository', () => {
    const paths = layoutPaths(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(paths.length).toBeGreaterThan(5);
    expect(missingPaths(root, paths)).toEqual([]);
  });

  it('reports a named path that is not there', () => {
    const readme = '# x\n\n## Layout\n\n| path | what |\n| --- | --- |\n| `sidecar/`, `nowhere/` | a |\n| `docs/` | b |\n\n## Next\n| `later/` | c |\n';
    expect(layoutPaths(readme)).toEqual(['sidecar/', 'nowhere/', 'docs/']);
    expect(missingPaths(root, layoutPaths(readme))).toEqual(['nowhere/']);
  });
});
