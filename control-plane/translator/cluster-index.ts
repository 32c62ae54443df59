/**
 * Lookups the translator makes for every Service and every proxy, indexed once per snapshot: the
 * EndpointSlices of each Service and the Services of each namespace. Without them, translating a
 * snapshot scans every slice for every Service (services x slices).
 */
import type { K8sEndpointSlice, K8sService } from '../state/k8s-objects.js';
import type { ClusterSnapshot } from '../state/cluster-snapshot.js';
import { namespacedKey } from '../../common/keys.js';

export const serviceNameLabel = 'kubernetes.io/service-name';

export interface ClusterIndex {
  /** `namespace/service` -> every EndpointSlice labelled for it, sorted by name. */
  slicesByService: ReadonlyMap<string, readonly K8sEndpointSlice[]>;
  /** namespace -> its Services, sorted by name. */
  servicesByNamespace: ReadonlyMap<string, readonly K8sService[]>;
}

/** Keyed by the (immutable) snapshot object, so an index dies with its snapshot. */
const indexes = new WeakMap<ClusterSnapshot, ClusterIndex>();

export function clusterIndex(snapshot: ClusterSnapshot): ClusterIndex {
  const hit = indexes.get(snapshot);
  if (hit) return hit;
  const slicesByService = new Map<string, K8sEndpointSlice[]>();
  for (const s of snapshot.endpointSlices.values()) {
    const service = s.metadata.labels?.[serviceNameLabel];
    if (!service) continue;
    const key = namespacedKey(s.metadata.namespace, service);
    const list = slicesByService.get(key);
    if (list) list.push(s);
    else slicesByService.set(key, [s]);
  }
  for (const list of slicesByService.values()) list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const servicesByNamespace = new Map<string, K8sService[]>();
  for (const svc of snapshot.services.values()) {
    const ns = svc.metadata.namespace ?? '';
    const list = servicesByNamespace.get(ns);
    if (list) list.push(svc);
    else servicesByNamespace.set(ns, [svc]);
  }
  for (const list of servicesByNamespace.values()) list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const index = { slicesByService, servicesByNamespace };
  indexes.set(snapshot, index);
  return index;
}
