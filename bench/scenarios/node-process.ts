/** Shared by the scenarios that run Node processes: the node flags and the port announcement. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';

/** `--cpu-prof` into dir/profiles when profiling was asked for. */
export function nodeArgs(ctx: BenchContext, name: string): string[] {
  if (!ctx.cpuProfile) return [];
  return ['--cpu-prof', '--cpu-prof-dir', join(ctx.dir, 'profiles'), '--cpu-prof-name', `${name}.cpuprofile`];
}

/** Reads `{"port":N}` from a line of a forwarding core's stdout. */
export function portAnnouncement(line: string): number | undefined {
  try {
    const parsed = JSON.parse(line) as { port?: unknown };
    return typeof parsed.port === 'number' ? parsed.port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The node flags an entry point's own `#!/usr/bin/env -S node <flags>` line asks for: the sidecar's
 * V8 heap settings live there (docs/decisions/0280), so the benchmark starts it as the image does.
 */
export function shebangNodeFlags(firstLine: string): string[] {
  const match = /^#!\/usr\/bin\/env\s+-S\s+node\s+(.*)$/.exec(firstLine.trim());
  return match ? match[1]!.split(/\s+/).filter(Boolean) : [];
}

/** shebangNodeFlags of a file's first line. */
export function entryNodeFlags(file: string): string[] {
  return shebangNodeFlags(readFileSync(file, 'utf8').slice(0, 512).split('\n')[0] ?? '');
}
