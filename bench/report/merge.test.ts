import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControlPlaneRun } from '../lib/results.js';
import { load, results, run } from '../testing/fixtures.js';
import { renderBenchmarks } from './markdown.js';
import { newestResults, withControlPlane } from './merge.js';

const cpRun = (scope: ControlPlaneRun['scope'], p99: number): ControlPlaneRun => ({
  scope,
  services: 1000,
  endpointsPerService: 10,
  proxies: 1000,
  changes: 4,
  missed: 0,
  propagationMs: { p50: p99 / 2, p99 },
  rssBytes: 200 * 1024 * 1024,
  cpuSec: 4,
  pushBytes: 2048,
  command: `cp ${scope}`,
});

describe('merging the control-plane results into the report', () => {
  it('takes the data-plane tables from one file and the control-plane section from the other', () => {
    const dataPlane = results([run('direct', 'latency', load(0.5)), run('weft-pair', 'latency', load(1.7))]);
    dataPlane.controlPlane = { runs: [cpRun('config-server fan-out', 9000)] };
    const controlPlane = results([]);
    controlPlane.date = '2026-11-24T23:50:00.000Z';
    controlPlane.versions = { weft: 'abc1234' };
    controlPlane.notes = ['kube-proxy was busy'];
    controlPlane.controlPlane = { runs: [cpRun('config-server fan-out', 400), cpRun('api-server', 800)] };
    const merged = withControlPlane(dataPlane, controlPlane, 'bench/results/2026-11-24-control-plane.json');
    expect(merged.runs).toBe(dataPlane.runs);
    expect(merged.controlPlane?.runs.map((r) => r.propagationMs.p99)).toEqual([400, 800]);
    const md = renderBenchmarks(merged, 'bench/results/2026-11-24-data-plane.json');
    expect(md).toContain('node dist/bench/report/main.js bench/results/2026-11-24-data-plane.json bench/results/2026-11-24-control-plane.json');
    expect(md).toContain('| weft-pair | 0.42 |');
    expect(md).toContain('| api-server | 1000x10 | 1000 | 400 ms | 800 ms | 0 | 200.0 MB | 1.00 | 2 KiB |');
    expect(md).toContain('Measured 2026-11-24T23:50:00.000Z (weft abc1234)');
    expect(md).toContain('- kube-proxy was busy');
    expect(md).toContain('- api-server 1000x10, 1000 proxies: `cp api-server`');
    expect(md).toMatch(/config propagation p99 under 1 s for 1000 proxies x 1000 services \| 800 ms \| met/);
  });

  it('keeps the data-plane file’s own section when there is no control-plane file', () => {
    const dataPlane = results([run('direct', 'latency', load(0.5))]);
    dataPlane.controlPlane = { runs: [cpRun('config-server fan-out', 9000)] };
    expect(withControlPlane(dataPlane, undefined)).toBe(dataPlane);
  });

  it('finds the newest results of a kind by the date in the name, then by modification time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-merge-'));
    const touch = (name: string, mtimeSec: number): void => {
      writeFileSync(join(dir, name), '{}');
      utimesSync(join(dir, name), mtimeSec, mtimeSec);
    };
    touch('2026-11-25-control-plane.json', 1000);
    touch('2026-11-24-control-plane.json', 5000);
    touch('2026-11-26-data-plane.json', 9000);
    touch('2026-11-25-x-control-plane.json', 9000);
    expect(newestResults(dir, 'control-plane')).toBe(join(dir, '2026-11-25-x-control-plane.json'));
    expect(newestResults(dir, 'data-plane')).toBe(join(dir, '2026-11-26-data-plane.json'));
    expect(newestResults(dir, 'cores')).toBeUndefined();
    expect(newestResults(join(dir, 'missing'), 'cores')).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});
