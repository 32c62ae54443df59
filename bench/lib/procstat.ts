/** CPU time and resident memory of a process tree, read from /proc (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcSample {
  /** user + system CPU seconds of the process and its descendants. */
  cpuSec: number;
  rssBytes: number;
}

const CLOCK_TICKS = 100;

/** Fields of /proc/PID/stat after the command name, which may itself hold spaces and parentheses. */
export function parseStat(text: string): { ppid: number; utime: number; stime: number; rssPages: number } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  return { ppid: field(4), utime: field(14), stime: field(15), rssPages: field(24) };
}

/** VmRSS of /proc/PID/status in bytes. */
export function parseStatusRss(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** PIDs of `root` and all its descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readOrNull(`/proc/${entry}/stat`);
    if (!stat) continue;
    const { ppid } = parseStat(stat);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function sampleTree(root: number): ProcSample {
  let cpuTicks = 0;
  let rssBytes = 0;
  for (const pid of processTree(root)) {
    const stat = readOrNull(`/proc/${pid}/stat`);
    const status = readOrNull(`/proc/${pid}/status`);
    if (!stat || !status) continue;
    const s = parseStat(stat);
    cpuTicks += s.utime + s.stime;
    rssBytes += parseStatusRss(status);
  }
  return { cpuSec: cpuTicks / CLOCK_TICKS, rssBytes };
}

/** CPU seconds spent per 1000 requests between two samples. */
export function cpuPer1000(before: ProcSample, after: ProcSample, requests: number): number {
  return requests > 0 ? ((after.cpuSec - before.cpuSec) / requests) * 1000 : 0;
}
