import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StepFailed, Steps } from './steps.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function steps(total: number): { steps: Steps; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'weft-steps-'));
  dirs.push(dir);
  const lines: string[] = [];
  return { steps: new Steps(total, dir, (l) => lines.push(l)), lines };
}

describe('Steps', () => {
  it('numbers each step, logs what its commands print, and shows the lines of a shown command', async () => {
    const { steps: s, lines } = steps(2);
    const log = await s.step('first one', async (ctx) => {
      await ctx.run(['sh', '-c', 'echo quiet-output']);
      await ctx.runShown(['sh', '-c', 'echo shown-1; echo shown-2 >&2']);
      return ctx.log;
    });
    expect(lines[0]).toMatch(/^\[1\/2\] first one \(at \+\d+s\)$/);
    expect(lines).toContain('      shown-1');
    expect(lines).toContain('      shown-2');
    expect(lines.join('\n')).not.toContain('quiet-output');
    expect(lines.at(-1)).toMatch(/^ {6}done in \d+\.\ds$/);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('$ sh -c echo quiet-output\nquiet-output');
    expect(text).toContain('shown-1');
  });

  it('names the failed step and its log, which holds the failing command\'s output', async () => {
    const { steps: s } = steps(1);
    const failure = await s.step('helm install', (ctx) => ctx.run(['sh', '-c', 'echo bad values >&2; exit 3'])).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailed);
    const f = failure as StepFailed;
    expect(f.step).toBe('helm install');
    expect(f.message).toContain('step "helm install" failed');
    expect(f.message).toContain(f.log);
    expect(readFileSync(f.log, 'utf8')).toContain('bad values');
  });

  it('fails a shown command that exits non-zero, with its last lines', async () => {
    const { steps: s } = steps(1);
    const failure = (await s.step('cluster', (ctx) => ctx.runShown(['sh', '-c', 'echo building; exit 1'])).catch((e: unknown) => e)) as StepFailed;
    expect(failure.message).toContain('exited 1');
    expect(failure.message).toContain('building');
  });
});
