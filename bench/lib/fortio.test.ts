import { describe, expect, it } from 'vitest';
import { fortioJson } from '../testing/fixtures.js';
import { fellBehind, fortioArgs, parseFortioResult } from './fortio.js';

describe('fortioArgs', () => {
  it('paces a fixed-rate HTTP run uniformly and asks for the four percentiles', () => {
    const args = fortioArgs({ qps: 1000, connections: 16, durationSec: 10, target: 'http://127.0.0.1:1/', kind: 'http', headers: { Host: 'a.b:80' }, jsonOut: '/tmp/o.json' });
    expect(args.slice(0, 7)).toEqual(['load', '-qps', '1000', '-c', '16', '-t', '10s']);
    expect(args).toContain('-uniform');
    expect(args[args.indexOf('-p') + 1]).toBe('50,90,99,99.9');
    expect(args[args.indexOf('-H') + 1]).toBe('Host: a.b:80');
    expect(args.at(-1)).toBe('http://127.0.0.1:1/');
    expect(args).not.toContain('-grpc');
  });

  it('runs closed-loop without pacing for maximum throughput, and gRPC ping when asked', () => {
    const args = fortioArgs({ qps: 0, connections: 64, durationSec: 5, target: '127.0.0.1:2', kind: 'grpc', jsonOut: '/tmp/o.json' });
    expect(args).not.toContain('-uniform');
    expect(args).toEqual(expect.arrayContaining(['-grpc', '-ping']));
    expect(args.at(-1)).toBe('127.0.0.1:2');
  });
});

describe('parseFortioResult', () => {
  it('reads rates, counts and percentiles in milliseconds', () => {
    const r = parseFortioResult(fortioJson());
    expect(r.requestedQps).toBe(1000);
    expect(r.count).toBe(10000);
    expect(r.errors).toBe(0);
    expect(r.durationSec).toBe(10);
    expect(r.latencyMs.p50).toBeCloseTo(0.25);
    expect(r.latencyMs.p99).toBeCloseTo(1.1);
    expect(r.latencyMs.p999).toBeCloseTo(4.2);
  });

  it('counts every non-200 HTTP code and non-SERVING gRPC answer as an error', () => {
    expect(parseFortioResult(fortioJson({ codes: { '200': 90, '502': 7, '-1': 3 } })).errors).toBe(10);
    expect(parseFortioResult(fortioJson({ codes: { SERVING: 100 } })).errors).toBe(0);
  });

  it('takes "max" as a closed-loop run', () => {
    expect(parseFortioResult(fortioJson({ qps: 'max' })).requestedQps).toBe(0);
  });

  it('refuses a result without the percentiles it needs', () => {
    expect(() => parseFortioResult(JSON.stringify({ DurationHistogram: { Count: 1, Avg: 0, Max: 0, Percentiles: [] } }))).toThrow(/percentile 50/);
    expect(() => parseFortioResult('{}')).toThrow(/DurationHistogram/);
  });
});

describe('fellBehind', () => {
  it('flags fixed-rate runs that missed the rate by more than 2%, never closed-loop ones', () => {
    const r = parseFortioResult(fortioJson());
    expect(fellBehind(r)).toBe(false);
    expect(fellBehind({ ...r, actualQps: 950 })).toBe(true);
    expect(fellBehind({ ...r, requestedQps: 0, actualQps: 5 })).toBe(false);
  });
});
