/**
 * The node flags an entry point's own `#!/usr/bin/env -S node <flags>` line asks for. The sidecar's
 * V8 heap settings live on that line (docs/decisions/0280); whoever starts the file with
 * `process.execPath` rather than executing it passes these, so every starter runs it the same way.
 */
import { readFileSync } from 'node:fs';

export function shebangNodeFlags(firstLine: string): string[] {
  const match = /^#!\/usr\/bin\/env\s+-S\s+node\s+(.*)$/.exec(firstLine.trim());
  return match ? match[1]!.split(/\s+/).filter(Boolean) : [];
}

/** shebangNodeFlags of a file's first line. */
export function entryNodeFlags(file: string): string[] {
  return shebangNodeFlags(readFileSync(file, 'utf8').slice(0, 512).split('\n')[0] ?? '');
}
