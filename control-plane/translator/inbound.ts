/** The ports this proxy's own pod serves: every target port of every Service that selects the pod. */
import type { InboundPort } from '../../common/config/types.js';
import type { K8sPod, K8sService } from '../state/k8s-objects.js';
import type { ClusterSnapshot } from '../state/cluster-snapshot.js';
import { portProtocol } from './protocol.js';
import { clusterIndex } from './cluster-index.js';
import { namespacedKey } from '../../common/keys.js';

export interface PodView {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** The Pod object, when the control plane has seen it (needed for named target ports). */
  pod?: K8sPod;
}

export function selects(svc: K8sService, labels: Readonly<Record<string, string>>): boolean {
  const selector = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * The Services of a namespace whose selector matches these labels, by name. Every pod of a
 * workload has the same labels, so this scan is made once per workload and snapshot.
 */
const selections = new WeakMap<ClusterSnapshot, Map<string, readonly K8sService[]>>();

export function selectingServices(snapshot: ClusterSnapshot, namespace: string, labels: Readonly<Record<string, string>>): readonly K8sService[] {
  let bySelector = selections.get(snapshot);
  if (!bySelector) selections.set(snapshot, (bySelector = new Map()));
  const key = JSON.stringify([namespace, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  let hit = bySelector.get(key);
  if (!hit) bySelector.set(key, (hit = (clusterIndex(snapshot).servicesByNamespace.get(namespace) ?? []).filter((s) => selects(s, labels))));
  return hit;
}

export function inboundPorts(view: PodView, snapshot: ClusterSnapshot): InboundPort[] {
  const ports = new Map<number, InboundPort>();
  for (const svc of selectingServices(snapshot, view.namespace, view.labels)) {
    for (const p of svc.spec?.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      const target = resolveTargetPort(p.targetPort ?? p.port, view, snapshot, svc);
      if (target === undefined || ports.has(target)) continue;
      ports.set(target, { port: target, appAddress: '127.0.0.1', appPort: target, protocol: portProtocol(p) });
    }
  }
  return [...ports.values()].sort((a, b) => a.port - b.port);
}

/** A named target port is looked up in the pod's containers, else in this pod's EndpointSlice entries. */
function resolveTargetPort(target: number | string, view: PodView, snapshot: ClusterSnapshot, svc: K8sService): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of view.pod?.spec?.containers ?? []) {
    const hit = c.ports?.find((p) => p.name === target);
    if (hit) return hit.containerPort;
  }
  const portName = svc.spec?.ports?.find((p) => p.targetPort === target)?.name ?? '';
  for (const slice of clusterIndex(snapshot).slicesByService.get(namespacedKey(view.namespace, svc.metadata.name)) ?? []) {
    if (!slice.endpoints?.some((e) => e.targetRef?.name === view.name)) continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (port) return port;
  }
  return undefined;
}
