/** What machine and which versions a result came from. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { Machine } from './results.js';

export function describeMachine(): Machine {
  const model = cpus()[0]?.model ?? 'unknown';
  return { cpuModel: model.trim(), cores: cpus().length, kernel: release(), memoryBytes: totalmem() };
}

/** The first version-looking token in a command's output (nginx prints it on stderr), or 'absent'. */
export function versionOf(cmd: string, args: string[]): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.error ? 'absent' : firstVersion(`${out.stdout ?? ''}${out.stderr ?? ''}`);
}

export function firstVersion(text: string): string {
  return /\d+\.\d+(\.\d+)?([-+~][\w.+~-]+)?/.exec(text)?.[0] ?? 'absent';
}

export function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'absent';
  }
}

export function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}
