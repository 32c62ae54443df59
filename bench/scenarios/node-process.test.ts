import { describe, expect, it } from 'vitest';
import { nodeArgs, portAnnouncement, shebangNodeFlags } from './node-process.js';

describe('portAnnouncement', () => {
  it('reads {"port":N} and ignores other lines', () => {
    expect(portAnnouncement('{"port":40123}')).toBe(40123);
    expect(portAnnouncement('{"level":30,"msg":"listening"}')).toBeUndefined();
    expect(portAnnouncement('not json')).toBeUndefined();
  });
});

describe('nodeArgs', () => {
  it('adds --cpu-prof into the work dir only when profiling', () => {
    const ctx = { dir: '/w', upstream: { httpPort: 1, grpcPort: 2 }, proxyCpu: 1, loadCpu: 0, asRoot: false };
    expect(nodeArgs({ ...ctx, cpuProfile: false }, 'x')).toEqual([]);
    expect(nodeArgs({ ...ctx, cpuProfile: true }, 'x')).toEqual(['--cpu-prof', '--cpu-prof-dir', '/w/profiles', '--cpu-prof-name', 'x.cpuprofile']);
  });
});

describe('shebangNodeFlags', () => {
  it('reads the flags of an `env -S node` line, and none from a plain one', () => {
    expect(shebangNodeFlags('#!/usr/bin/env -S node --max-semi-space-size=4  --foo')).toEqual(['--max-semi-space-size=4', '--foo']);
    expect(shebangNodeFlags('#!/usr/bin/env node')).toEqual([]);
    expect(shebangNodeFlags('import x from "y";')).toEqual([]);
  });
});
