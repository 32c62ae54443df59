/** Shared by the scenarios that run Node processes: the node flags and the port announcement. */
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
