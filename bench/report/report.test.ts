import { describe, expect, it } from 'vitest';
import { load, results, run } from '../testing/fixtures.js';
import { renderBenchmarks } from './markdown.js';
import { findRun, ratio } from './query.js';
import { evaluateTargets } from './targets.js';

const MB = 1024 * 1024;

function sample(pairP99: number, weftRps: number, nginxRps: number, loadedRss = 60 * MB) {
  return results([
    run('direct', 'latency', load(0.5)),
    run('weft-sidecar', 'latency', load(1.2), loadedRss),
    run('weft-pair', 'latency', load(pairP99)),
    run('nginx-pair', 'latency', load(0.8)),
    run('direct', 'throughput', load(2, 0, 40_000)),
    run('weft-sidecar', 'throughput', load(5, 0, weftRps)),
    run('nginx-pair', 'throughput', load(1, 0, nginxRps)),
  ]);
}

describe('evaluateTargets', () => {
  it('reports each target met or missed, with the measured value', () => {
    const byId = Object.fromEntries(evaluateTargets(sample(1.7, 16_000, 30_000)).map((t) => [t.id, t]));
    expect(byId['pair-added-p99']).toMatchObject({ met: true, measured: '+1.20 ms' });
    expect(byId['one-core-rps']).toMatchObject({ met: true, measured: '16000 rps (20000 per CPU second)' });
    expect(byId['half-of-nginx']).toMatchObject({ met: true, measured: '53% of nginx' });
    expect(byId['rss-idle']).toMatchObject({ met: true, measured: '28.6 MB' });
    expect(byId['rss-1000']).toMatchObject({ met: true, measured: '60.0 MB' });
    expect(byId['propagation-p99']).toMatchObject({ met: null, measured: 'not measured' });
  });

  it('names the weft scenario to profile when a target is missed', () => {
    const missed = evaluateTargets(sample(2.5, 9_000, 30_000, 90 * MB)).filter((t) => t.met === false);
    expect(missed.map((t) => [t.id, t.scenario])).toEqual([
      ['pair-added-p99', 'weft-pair'],
      ['one-core-rps', 'weft-sidecar'],
      ['half-of-nginx', 'weft-sidecar'],
      ['rss-1000', 'weft-sidecar'],
    ]);
  });

  it('leaves targets pending when their scenario did not run', () => {
    const only = results([run('direct', 'latency', load(0.5))]);
    expect(evaluateTargets(only).every((t) => t.met === null)).toBe(true);
  });

  it('reads propagation from the API-server runs of the control-plane section, not from the fan-out alone', () => {
    const r = sample(1, 20_000, 30_000);
    const base = { services: 1000, endpointsPerService: 10, proxies: 1000, changes: 5, missed: 0, propagationMs: { p50: 300, p99: 1200 }, rssBytes: 1, cpuSec: 1, pushBytes: 1, command: 'x' };
    r.controlPlane = { runs: [{ ...base, scope: 'config-server fan-out' }] };
    expect(evaluateTargets(r).find((t) => t.id === 'propagation-p99')?.met).toBeNull();
    r.controlPlane = { runs: [{ ...base, scope: 'config-server fan-out' }, { ...base, scope: 'api-server' }] };
    expect(evaluateTargets(r).find((t) => t.id === 'propagation-p99')).toMatchObject({ met: false, measured: '1200 ms' });
  });
});

describe('ratio', () => {
  it('divides, and shows a dash when a side is missing or zero', () => {
    expect(ratio(3, 2)).toBe('1.50x');
    expect(ratio(undefined, 2)).toBe('–');
    expect(ratio(1, 0)).toBe('–');
  });
});

describe('renderBenchmarks', () => {
  const md = renderBenchmarks(sample(1.7, 16_000, 30_000), 'bench/results/x.json');

  it('shows how busy the machine was when the run has it', () => {
    const r = sample(1.7, 16_000, 30_000);
    r.loadAverage = { start: [0.5, 1, 1.25], end: [4, 3, 2] };
    expect(renderBenchmarks(r, 'x.json')).toContain('0.5 / 1.0 / 1.3 at the start, 4.0 / 3.0 / 2.0 at the end');
  });

  it('says where it came from and how to regenerate it', () => {
    expect(md).toContain('node dist/bench/report/main.js bench/results/x.json');
    expect(md).toContain('Test CPU, 2 cores');
  });

  it('shows added p99 against direct and the ratio against the nginx pair', () => {
    const row = md.split('\n').find((l) => l.startsWith('| weft-pair |'));
    expect(row).toBe('| weft-pair | 0.42 | 0.85 | 1.70 | 3.40 | +1.20 | 2.13x | – |  |');
  });

  it('shows throughput against direct and nginx', () => {
    const row = md.split('\n').find((l) => l.startsWith('| weft-sidecar | 16000'));
    expect(row).toContain('| 0.40x | 0.53x |');
    // 0.05 CPU s per 1000 requests is 20000 requests per CPU second, the same as nginx's in the fixture.
    expect(row).toContain('| 0.050 | 20000 | 1.00x |');
  });

  it('lists the command of every row', () => {
    expect(md).toContain('- weft-pair latency 1000 rps: `fortio load weft-pair`');
    expect(md).toContain('- weft-pair `weft-pair-proc`: `start weft-pair`');
  });

  it('says when the control plane was not measured', () => {
    expect(md).toMatch(/## Control plane\n\nNot measured in this run/);
  });
});

describe('findRun over several rounds', () => {
  it('takes the median round: by p99 for fixed-rate rows, by rate for throughput rows', () => {
    const r = results([
      { ...run('weft-pair', 'latency', load(3)), round: 1 },
      { ...run('weft-pair', 'latency', load(1)), round: 2 },
      { ...run('weft-pair', 'latency', load(2)), round: 3 },
      { ...run('weft-pair', 'throughput', load(1, 0, 9000)), round: 1 },
      { ...run('weft-pair', 'throughput', load(1, 0, 7000)), round: 2 },
    ]);
    expect(findRun(r, 'weft-pair', 'latency', 1000)?.round).toBe(3);
    expect(findRun(r, 'weft-pair', 'throughput')?.result.actualQps).toBe(7000);
    expect(findRun(r, 'weft-pair', 'latency', 500)).toBeUndefined();
  });
});

describe('renderBenchmarks profile section', () => {
  it('shows self-time frames and weft frames by total time for a profiled miss', () => {
    const r = results([run('direct', 'latency', load(0.5))]);
    r.profiles = [
      {
        scenario: 'weft-sidecar',
        reason: 'missed one-core-rps',
        file: '/tmp/p.cpuprofile',
        topFrames: [{ name: 'writev', location: '', selfPercent: 6.3 }],
        weftFrames: [{ name: 'runPipeline', location: 'dist/sidecar/listeners/exchange.js:14', selfPercent: 17.5 }],
      },
    ];
    const md = renderBenchmarks(r, 'x.json');
    expect(md).toContain('**weft-sidecar** (missed one-core-rps; `/tmp/p.cpuprofile`)');
    expect(md).toContain('| 6.3 | `writev` |  |');
    expect(md).toContain('| 17.5 | `runPipeline` | dist/sidecar/listeners/exchange.js:14 |');
  });
});
