import { describe, expect, it } from 'vitest';
import { cpuPer1000, parseStat, parseStatusRss, processTree, sampleTree } from './procstat.js';

describe('parseStat', () => {
  it('reads ppid and CPU ticks even when the command name has spaces and parentheses', () => {
    const line = '4242 (node (weft) x) S 17 4242 17 0 -1 4194560 1200 0 0 0 350 125 0 0 20 0 11 0 99 1000000 9000 1844 0';
    expect(parseStat(line)).toEqual({ ppid: 17, utime: 350, stime: 125, rssPages: 9000 });
  });
});

describe('parseStatusRss', () => {
  it('reads VmRSS in bytes, and 0 for a process without one (a zombie)', () => {
    expect(parseStatusRss('Name:\tnode\nVmRSS:\t   51200 kB\nThreads: 7\n')).toBe(51200 * 1024);
    expect(parseStatusRss('Name:\tnode\n')).toBe(0);
  });
});

describe('cpuPer1000', () => {
  it('scales the CPU used to a thousand requests', () => {
    expect(cpuPer1000({ cpuSec: 1, rssBytes: 0 }, { cpuSec: 3, rssBytes: 0 }, 20_000)).toBeCloseTo(0.1);
    expect(cpuPer1000({ cpuSec: 1, rssBytes: 0 }, { cpuSec: 3, rssBytes: 0 }, 0)).toBe(0);
  });
});

describe('sampleTree on this process', () => {
  it('finds this process with some CPU time and memory', () => {
    expect(processTree(process.pid)[0]).toBe(process.pid);
    const s = sampleTree(process.pid);
    expect(s.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(s.cpuSec).toBeGreaterThan(0);
  });
});
