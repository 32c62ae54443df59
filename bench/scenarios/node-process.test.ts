import { describe, expect, it } from 'vitest';
import { nodeArgs, portAnnouncement } from './node-process.js';

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
