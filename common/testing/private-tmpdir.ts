/**
 * vitest global set-up for the unit run: the run and every process it starts get a temp folder of
 * their own (TMPDIR), removed when the run ends. A test that leaves files in it fails the run, with
 * their names, so no run litters the machine's temp folder.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'weft-unit-'));
  // Like the system temp folder: tests that run a process as another user (the network namespace
  // suites) stage files here for it.
  chmodSync(dir, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // vitest reports an error thrown here but still exits 0: set the exit code as well.
      process.exitCode = 1;
      throw new Error(`tests left files in the temp folder (removed now): ${left.join(', ')}`);
    }
  };
}
