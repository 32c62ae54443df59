import { describe, expect, it } from 'vitest';
import { SeriesLabelCache } from './series-labels.js';

const peers = (service: string) => ({ direction: 'outbound', source_workload: 'a', source_namespace: 'ns', destination_service: service, destination_namespace: 'ns', destination_workload: 'b', route: '' });

describe('SeriesLabelCache', () => {
  it('builds the label objects of a series once and reuses them', () => {
    const cache = new SeriesLabelCache();
    const first = cache.get({ peers: peers('reviews'), status: 503, grpcStatus: '', errorCode: 'WEFT_OVERLOADED' });
    expect(first.request).toEqual({ ...peers('reviews'), status_code: '503', status_class: '5xx', grpc_status: '', error_code: 'WEFT_OVERLOADED' });
    expect(first.duration).toEqual({ ...peers('reviews'), status_class: '5xx' });
    expect(cache.get({ peers: peers('reviews'), status: 503, grpcStatus: '', errorCode: 'WEFT_OVERLOADED' })).toBe(first);
    expect(cache.get({ peers: peers('reviews'), status: 200, grpcStatus: '', errorCode: '' })).not.toBe(first);
    expect(cache.get({ peers: peers('ratings'), status: 503, grpcStatus: '', errorCode: 'WEFT_OVERLOADED' }).request.destination_service).toBe('ratings');
  });

  it('starts over past its bound instead of growing', () => {
    const cache = new SeriesLabelCache(2);
    const a = cache.get({ peers: peers('a'), status: 200, grpcStatus: '', errorCode: '' });
    cache.get({ peers: peers('b'), status: 200, grpcStatus: '', errorCode: '' });
    cache.get({ peers: peers('c'), status: 200, grpcStatus: '', errorCode: '' });
    expect(cache.get({ peers: peers('a'), status: 200, grpcStatus: '', errorCode: '' })).not.toBe(a);
  });

  it('hands each series its counts once, and keeps the counts of series dropped at the bound until then', () => {
    const cache = new SeriesLabelCache(1);
    const a = cache.get({ peers: peers('a'), status: 200, grpcStatus: '', errorCode: '' });
    a.counts.requests += 3;
    a.counts.responseBytes += 100;
    // The bound drops `a` from the map, not its unscraped counts.
    cache.get({ peers: peers('b'), status: 200, grpcStatus: '', errorCode: '' }).counts.requests += 1;
    const seen: [string, number][] = [];
    cache.drain('requests', (set, n) => seen.push([set.peers.destination_service, n]));
    expect(seen).toEqual([['a', 3], ['b', 1]]);
    cache.drain('requests', (set, n) => seen.push([set.peers.destination_service, n]));
    expect(seen).toHaveLength(2);
    const bytes: number[] = [];
    cache.drain('responseBytes', (_set, n) => bytes.push(n));
    expect(bytes).toEqual([100]);
  });
});
