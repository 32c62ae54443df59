/** A Service's ports with their endpoints, merged from every EndpointSlice of the Service; named target ports come resolved per slice. */
import type { Endpoint, ServicePort } from '../../common/config/types.js';
import type { K8sEndpointSlice, K8sService } from '../state/k8s-objects.js';
import type { ClusterSnapshot } from '../state/cluster-snapshot.js';
import { portProtocol } from './protocol.js';
import { clusterIndex } from './cluster-index.js';
import { spiffeId, workloadName } from './workload.js';
import { namespacedKey } from '../../common/keys.js';

export function servicePorts(svc: K8sService, slices: readonly K8sEndpointSlice[], snapshot: ClusterSnapshot, trustDomain: string): ServicePort[] {
  return (svc.spec?.ports ?? [])
    .filter((p) => (p.protocol ?? 'TCP') === 'TCP')
    .map((p) => ({
      port: p.port,
      name: p.name || undefined,
      protocol: portProtocol(p),
      endpoints: endpointsFor(p.name ?? '', slices, snapshot, trustDomain),
    }));
}

/** The EndpointSlices that belong to a Service (by the well-known label), in a stable order. */
export function slicesOf(snapshot: ClusterSnapshot, namespace: string, name: string): K8sEndpointSlice[] {
  return (clusterIndex(snapshot).slicesByService.get(namespacedKey(namespace, name)) ?? []).filter((s) => s.addressType !== 'FQDN');
}

function endpointsFor(portName: string, slices: readonly K8sEndpointSlice[], snapshot: ClusterSnapshot, trustDomain: string): Endpoint[] {
  const byAddress = new Map<string, Endpoint>();
  for (const slice of slices) {
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === portName);
    if (!sp?.port) continue;
    for (const e of slice.endpoints ?? []) {
      const c = e.conditions ?? {};
      // ready=nil means ready (EndpointSlice API); terminating endpoints are never ready.
      const ready = c.ready !== false && c.terminating !== true;
      const pod = e.targetRef?.kind === 'Pod' && e.targetRef.name ? snapshot.pods.get(namespacedKey(slice.metadata.namespace, e.targetRef.name)) : undefined;
      for (const address of e.addresses) {
        const key = `${address}:${sp.port}`;
        // The same endpoint can sit in two slices while the controller moves it; the ready copy wins.
        if (byAddress.get(key)?.ready) continue;
        byAddress.set(key, {
          address,
          port: sp.port,
          weight: 1,
          ready,
          pod: e.targetRef?.kind === 'Pod' ? e.targetRef.name : undefined,
          workload: pod ? workloadName(pod) : undefined,
          identity: pod ? spiffeId(trustDomain, slice.metadata.namespace ?? 'default', pod.spec?.serviceAccountName || 'default') : undefined,
          zone: e.zone,
        });
      }
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.address === b.address ? a.port - b.port : a.address.localeCompare(b.address)));
}
