/**
 * Every process the harness starts goes through here, so all of them are stopped by PID at the
 * end, on failure and on Ctrl-C alike. Servers may be pinned to one CPU with taskset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { processTree } from './procstat.js';

export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The command line, as a person would type it to reproduce. */
  command: string;
}

const running = new Map<number, Started>();

/** Quote a word for a shell command line shown to people. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(cmd: string, args: string[]): string {
  return [cmd, ...args].map(shellWord).join(' ');
}

/** The argv that runs `cmd` pinned to `cpu` (taskset execs, so the PID stays the command's). */
export function pinned(cpu: number | undefined, cmd: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [cmd, args] : ['taskset', ['-c', String(cpu), cmd, ...args]];
}

export function start(name: string, cmd: string, args: string[], opts: { cpu?: number; logFile: string; env?: NodeJS.ProcessEnv; stdin?: boolean }): Started {
  const [file, argv] = pinned(opts.cpu, cmd, args);
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(file, argv, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${commandLine(file, argv)}`);
  const started = { name, pid: child.pid, child, command: commandLine(file, argv) };
  running.set(child.pid, started);
  child.once('exit', () => running.delete(started.pid));
  return started;
}

/** Wait for a line on stdout that `match` accepts (e.g. a `{"port":N}` announcement). */
export async function waitForLine<T>(p: Started, match: (line: string) => T | undefined, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${p.name} said nothing useful within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        const found = match(line);
        if (found !== undefined) {
          clearTimeout(timer);
          p.child.stdout?.off('data', onData);
          resolve(found);
          return;
        }
      }
    };
    p.child.stdout?.on('data', onData);
    p.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${p.name} exited with ${code} before it was ready`));
    });
  });
}

/** Run a command to completion; rejects on a non-zero exit. */
export async function runToEnd(name: string, cmd: string, args: string[], opts: { cpu?: number; logFile: string }): Promise<void> {
  const p = start(name, cmd, args, opts);
  const [code] = (await once(p.child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${name} exited with ${code}; see ${opts.logFile}`);
}

/**
 * SIGTERM one process, SIGKILL its whole tree if it is still there after a grace period, and
 * SIGKILL any descendant it left behind when it exited (a shell's children, say).
 */
export async function stop(p: Started, graceMs = 3000): Promise<void> {
  const descendants = processTree(p.pid).slice(1);
  if (p.child.exitCode === null && p.child.signalCode === null) {
    const exited = once(p.child, 'exit');
    process.kill(p.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (running.has(p.pid)) killTree(p.pid);
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }
  for (const pid of descendants) killQuietly(pid);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running.values()].map((p) => stop(p).catch(() => undefined)));
}

/** On Ctrl-C or SIGTERM, stop everything we started, then exit. */
export function stopAllOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping ${running.size} processes\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  // Last resort when the harness itself dies: no child, nor grandchild (nginx workers), outlives it.
  process.once('exit', () => {
    for (const pid of running.keys()) killTree(pid);
  });
  // A closed stdout (`make bench | head`) must not kill the harness before it cleans up.
  process.stdout.on('error', () => undefined);
}

/** SIGKILL a process and its descendants, children first found so none is orphaned unnoticed. */
function killTree(root: number): void {
  for (const pid of processTree(root).reverse()) killQuietly(pid);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
