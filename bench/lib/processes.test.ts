import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processTree } from './procstat.js';
import { commandLine, pinned, start, stop, waitForLine } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start and stop', () => {
  it('stops a process and the child it left behind, so nothing outlives the harness', async () => {
    // The shell exits on SIGTERM while its child sleeps on: the orphan must still be stopped.
    const p = start('shell', 'sh', ['-c', 'sleep 60 & echo "$!"; wait'], { logFile: join(dir, 'shell.log') });
    const child = await waitForLine(p, (line) => (/^\d+$/.test(line.trim()) ? Number(line) : undefined));
    expect(processTree(p.pid)).toContain(child);
    await stop(p, 5000);
    await expect.poll(() => alive(child), { timeout: 5000 }).toBe(false);
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const p = start('stubborn', process.execPath, ['-e', 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'], { logFile: join(dir, 'stubborn.log') });
    await waitForLine(p, (line) => (line === 'up' ? true : undefined));
    await stop(p, 200);
    expect(p.child.signalCode).toBe('SIGKILL');
  });
});

describe('command lines', () => {
  it('pins with taskset and quotes words a shell would split', () => {
    expect(pinned(1, 'nginx', ['-c', 'a b'])).toEqual(['taskset', ['-c', '1', 'nginx', '-c', 'a b']]);
    expect(pinned(undefined, 'nginx', [])).toEqual(['nginx', []]);
    expect(commandLine('fortio', ['-H', 'Host: x:1', '-qps', '500'])).toBe("fortio -H 'Host: x:1' -qps 500");
  });
});

/** Running, as opposed to gone or a zombie waiting for a parent that is gone too. */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
