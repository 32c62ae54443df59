import { describe, expect, it } from 'vitest';
import { endpoint, endpoints, fakeTarget } from '../testing/policy-fakes.js';
import { EndpointSet, endpointSetFor, endpointSets } from './endpoint-set.js';
import { endpointKey } from './endpoint-state.js';

describe('EndpointSet', () => {
  it('keeps the state of endpoints that stay across an update, and drops removed ones', () => {
    const set = new EndpointSet();
    set.sync(endpoints(3));
    const kept = set.get('10.0.0.2:8080')!;
    kept.inFlight = 4;
    kept.observeLatency(42, 0);
    kept.ejections = 2;
    const removed = set.get('10.0.0.3:8080')!;
    removed.inFlight = 1;

    set.sync([endpoint('10.0.0.1'), endpoint('10.0.0.2', 8080, 3), endpoint('10.0.0.4')]);
    const after = set.get('10.0.0.2:8080')!;
    expect(after).toBe(kept);
    expect(after.inFlight).toBe(4);
    expect(after.latencyMs).toBe(42);
    expect(after.ejections).toBe(2);
    expect(after.weight).toBe(3); // the new config's weight applies
    expect(set.get('10.0.0.3:8080')).toBeUndefined();
    expect(removed.removed).toBe(true);
    // The in-flight request on the removed endpoint still completes against its own state.
    removed.inFlight--;
    expect(removed.inFlight).toBe(0);
    expect(set.all().map((e) => e.key)).toEqual(['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.4:8080']);
  });

  it('offers only ready, non-ejected endpoints', () => {
    const set = new EndpointSet();
    set.sync([endpoint('10.0.0.1'), { ...endpoint('10.0.0.2'), ready: false }, endpoint('10.0.0.3')]);
    set.get('10.0.0.3:8080')!.ejectedUntil = 100;
    expect(set.available(50).map((e) => e.key)).toEqual(['10.0.0.1:8080']);
    expect(set.available(100).map((e) => e.key)).toEqual(['10.0.0.1:8080', '10.0.0.3:8080']);
  });

  it('collapses an endpoint listed twice into one', () => {
    const set = new EndpointSet();
    set.sync([endpoint('10.0.0.1'), endpoint('10.0.0.1')]);
    expect(set.all()).toHaveLength(1);
  });

  it('is found per service port and synced with the target', () => {
    const sets = endpointSets();
    const target = fakeTarget({ endpoints: endpoints(2) });
    const a = endpointSetFor(sets, target);
    expect(a.all()).toHaveLength(2);
    target.service.ports[0]!.endpoints = endpoints(4);
    expect(endpointSetFor(sets, target)).toBe(a);
    expect(a.all()).toHaveLength(4);
    expect(sets.size).toBe(1);
  });

  it('a request of an older config does not put its endpoint list back over a newer one', () => {
    const set = new EndpointSet();
    const old = endpoints(3);
    set.sync(old);
    set.sync(endpoints(1));
    set.sync(old); // a retry still running on the previous config
    expect(set.all().map((e) => e.key)).toEqual(['10.0.0.1:8080']);
  });

  it('brackets IPv6 keys', () => {
    expect(endpointKey({ address: 'fd00::1', port: 80 })).toBe('[fd00::1]:80');
  });
});
