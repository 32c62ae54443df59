import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceMapped, topFrames, weftTotals, type CpuProfile } from './top-frames.js';

const frame = (id: number, functionName: string, url = '', lineNumber = 0) => ({ id, callFrame: { functionName, url, lineNumber } });

describe('topFrames', () => {
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)'),
      frame(2, '(idle)'),
      frame(3, 'parseHeaders', 'file:///work/x/node_modules/undici/lib/core/util.js', 9),
      frame(4, 'forward', 'file:///work/x/dist/sidecar/upstream/forwarder.js', 41),
      frame(5, '(garbage collector)'),
      frame(6, 'forward', 'file:///work/x/dist/sidecar/upstream/forwarder.js', 41),
    ],
    // Each sample's time is the next delta: 2 -> 100, 3 -> 30, 4 -> 50, 5 -> 10, 6 -> 10.
    samples: [2, 3, 4, 5, 6, 2],
    timeDeltas: [0, 100, 30, 50, 10, 10],
  };

  it('ranks by self time, merges the same function, and leaves idle time out of the share', () => {
    const top = topFrames(profile);
    expect(top.map((f) => f.name)).toEqual(['forward', 'parseHeaders', '(garbage collector)']);
    expect(top[0]?.location).toBe('dist/sidecar/upstream/forwarder.js:42');
    expect(top[0]?.selfPercent).toBeCloseTo(60);
    expect(top[1]?.location).toBe('undici/lib/core/util.js:10');
    expect(top.reduce((a, f) => a + f.selfPercent, 0)).toBeCloseTo(100);
  });

  it('falls back to hit counts and honours the limit', () => {
    const counted: CpuProfile = { nodes: [{ ...frame(1, 'a'), hitCount: 3 }, { ...frame(2, 'b'), hitCount: 1 }] };
    expect(topFrames(counted, 1)).toEqual([{ name: 'a', location: '', selfPercent: 75 }]);
  });
});

describe('weftTotals', () => {
  it("ranks weft's own functions by the time spent in them and below them", () => {
    const profile: CpuProfile = {
      nodes: [
        { ...frame(1, '(root)'), children: [2, 5] },
        { ...frame(2, 'runPipeline', 'file:///w/dist/sidecar/listeners/exchange.js', 13), children: [3] },
        { ...frame(3, 'retry', 'file:///w/dist/sidecar/layers/retry.js', 16), children: [4] },
        frame(4, 'writev'),
        frame(5, '(garbage collector)'),
      ],
      samples: [4, 3, 5, 2, 2],
      timeDeltas: [0, 40, 10, 30, 20],
    };
    // writev 40 (under retry and runPipeline), retry 10, gc 30, runPipeline 20: busy 100.
    expect(weftTotals(profile).map((f) => [f.name, Math.round(f.selfPercent)])).toEqual([
      ['runPipeline', 70],
      ['retry', 50],
    ]);
  });
});

describe('sourceMapped', () => {
  it("maps a bundle's frames to their sources, so weft's own are told from its dependencies'", () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-profile-'));
    try {
      mkdirSync(join(dir, 'dist', 'sidecar'), { recursive: true });
      const bundle = join(dir, 'dist', 'sidecar', 'main.js');
      writeFileSync(bundle, 'function retry(){}function parse(){}\n');
      // Generated column 0 comes from retry.ts line 1, column 5 onwards from undici's file line 2.
      const map = { version: 3, sources: ['../../sidecar/layers/retry.ts', '../../node_modules/undici/lib/x.js'], names: [], mappings: 'AAAA,KCCA' };
      writeFileSync(`${bundle}.map`, JSON.stringify(map));
      const url = pathToFileURL(bundle).href;
      const at = (id: number, functionName: string, columnNumber: number) => ({ id, callFrame: { functionName, url, lineNumber: 0, columnNumber } });
      const profile: CpuProfile = {
        nodes: [{ ...frame(1, '(root)'), children: [2] }, { ...at(2, 'retry', 0), children: [3] }, at(3, 'parse', 7)],
        samples: [3, 2, 3],
        timeDeltas: [0, 60, 40],
      };
      const sourceOf = sourceMapped();
      expect(topFrames(profile, 5, sourceOf).map((f) => [f.name, f.location])).toEqual([
        ['parse', 'undici/lib/x.js:2'],
        ['retry', 'sidecar/layers/retry.ts:1'],
      ]);
      // Without the map both would count as weft's (they are in dist/); with it only retry does.
      expect(weftTotals(profile).map((f) => f.name)).toEqual(['retry', 'parse']);
      expect(weftTotals(profile, 5, sourceOf).map((f) => f.name)).toEqual(['retry']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
