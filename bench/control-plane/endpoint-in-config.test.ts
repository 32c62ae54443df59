import { describe, expect, it } from 'vitest';
import { prepareConfig } from '../../control-plane/server/prepared-config.js';
import { ClusterState } from '../../control-plane/state/cluster-state.js';
import { translate } from '../../control-plane/translator/translate.js';
import { benchService, benchSlice, changedSlice, endpointAddress } from './cluster-objects.js';
import { documentBytes, endpointReady, endpointReadyInUpdate } from './endpoint-in-config.js';

describe('endpointReady', () => {
  it('reads an endpoint’s readiness from the document the control plane pushes (gzipped or plain), before and after a change', () => {
    const state = new ClusterState();
    state.onReplace('Service', Array.from({ length: 400 }, (_, i) => benchService('bench', i)));
    state.onReplace('EndpointSlice', Array.from({ length: 400 }, (_, i) => benchSlice('bench', i, 5)));
    const proxy = { pod: 'p', namespace: 'bench', serviceAccount: 'sa', workload: 'w', labels: {} };
    const doc = () => documentBytes(prepareConfig(translate(state.current().snapshot, proxy)).payload);
    const change = changedSlice('bench', 5, 1);
    expect(endpointReady(doc(), change.address)).toBe(true);
    state.onEvent('EndpointSlice', 'MODIFIED', change.slice);
    expect(endpointReady(doc(), change.address)).toBe(false);
    expect(endpointReady(doc(), '192.0.2.1')).toBeUndefined();
    const update = prepareConfig(translate(state.current().snapshot, proxy)).payload;
    expect(documentBytes(update, 2048).length).toBeLessThan(documentBytes(update).length);
    expect(endpointReadyInUpdate(update, change.address)).toBe(false);
    // svc-99 sorts last: not in the first 2 KiB of the stream, found in the whole document.
    expect(endpointReady(documentBytes(update, 2048), endpointAddress(99, 4))).toBeUndefined();
    expect(endpointReadyInUpdate(update, endpointAddress(99, 4))).toBe(true);
    expect(endpointReady(documentBytes({ configJson: '{"a":[{"address":"10.0.0.1","ready":true}]}', configJsonGzip: Buffer.alloc(0) }), '10.0.0.1')).toBe(true);
  });
});
