import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../control-plane/state/cluster-state.js';
import { translate } from '../../control-plane/translator/translate.js';
import { benchService, benchSlice, changedSlice, endpointAddress } from './cluster-objects.js';

const proxy = { pod: 'bench-0', namespace: 'bench', serviceAccount: 'bench', workload: 'bench', labels: {} };

function readiness(state: ClusterState, address: string): boolean | undefined {
  const svc = translate(state.current().snapshot, proxy).services.find((s) => s.name === 'svc-0');
  return svc?.ports[0]?.endpoints.find((e) => e.address === address)?.ready;
}

describe('control-plane benchmark objects', () => {
  it('translate into N services of M ready endpoints with distinct addresses', () => {
    const state = new ClusterState();
    state.onReplace('Service', [0, 1, 300].map((i) => benchService('bench', i)));
    state.onReplace('EndpointSlice', [0, 1, 300].map((i) => benchSlice('bench', i, 4)));
    const services = translate(state.current().snapshot, proxy).services;
    expect(services.map((s) => s.name)).toEqual(['svc-0', 'svc-1', 'svc-300']);
    const addresses = services.flatMap((s) => s.ports[0]!.endpoints.filter((e) => e.ready).map((e) => e.address));
    expect(new Set(addresses).size).toBe(12);
    expect(endpointAddress(300, 3)).toBe('10.65.44.4');
  });

  it('each change flips one endpoint of svc-0 and differs from the one before; an even count ends where it started', () => {
    const state = new ClusterState();
    state.onReplace('Service', [benchService('bench', 0)]);
    state.onReplace('EndpointSlice', [benchSlice('bench', 0, 3)]);
    const start = JSON.stringify(translate(state.current().snapshot, proxy));
    let previous = start;
    for (let k = 1; k <= 8; k++) {
      const change = changedSlice('bench', 3, k);
      state.onEvent('EndpointSlice', 'MODIFIED', change.slice);
      expect(readiness(state, change.address)).toBe(change.ready);
      const now = JSON.stringify(translate(state.current().snapshot, proxy));
      expect(now).not.toBe(previous);
      previous = now;
    }
    expect(previous).toBe(start);
  });
});
