/**
 * The control plane's in-memory cluster state: the watchers' listener on one side (they only
 * report events to a ClusterListener, docs/contributing.md), immutable snapshots for the
 * translator on the other. Policy evaluation happens here, once per
 * snapshot, so a rejected policy never reaches the translator.
 */
import { RouteEvaluator, type RouteKind, type RouteVerdict } from '../policy/routes.js';
import { TrafficPolicyEvaluator, type PolicyVerdict } from '../policy/traffic-policy.js';
import { objectKey, type K8sObject, type K8sPod, type K8sPolicyObject } from './k8s-objects.js';
import type { ClusterSnapshot } from './cluster-snapshot.js';

export const resourceKinds = ['Service', 'EndpointSlice', 'Pod', 'Namespace', 'TrafficPolicy', 'HTTPRoute', 'GRPCRoute'] as const;
export type ResourceKind = (typeof resourceKinds)[number];
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What watchers call; implemented by ClusterState. Cheap and synchronous: never blocks the event path. */
export interface ClusterListener {
  onEvent(kind: ResourceKind, type: WatchEventType, obj: K8sObject): void;
  /** A fresh list replaced everything known about `kind` (after start or a 410). */
  onReplace(kind: ResourceKind, objs: readonly K8sObject[]): void;
}

export interface StateView {
  snapshot: ClusterSnapshot;
  policyVerdicts: PolicyVerdict[];
  routeVerdicts: RouteVerdict[];
}

export class ClusterState implements ClusterListener {
  private readonly objects = new Map<ResourceKind, Map<string, K8sObject>>(resourceKinds.map((k) => [k, new Map()]));
  private readonly policies = new TrafficPolicyEvaluator();
  private readonly routes = new RouteEvaluator();
  private revision = 0;
  private view?: StateView;

  constructor(private readonly onChange: (kind: ResourceKind) => void = () => undefined) {}

  onEvent(kind: ResourceKind, type: WatchEventType, obj: K8sObject): void {
    const m = this.map(kind);
    if (type === 'DELETED') m.delete(objectKey(obj));
    else m.set(objectKey(obj), slim(kind, obj));
    this.touch(kind);
  }

  onReplace(kind: ResourceKind, objs: readonly K8sObject[]): void {
    const m = this.map(kind);
    m.clear();
    for (const o of objs) m.set(objectKey(o), slim(kind, o));
    this.touch(kind);
  }

  /** The current snapshot and policy verdicts, rebuilt only when something changed. */
  current(): StateView {
    if (this.view) return this.view;
    const services = new Map(this.map('Service')) as ClusterSnapshot['services'];
    const exists = (key: string): boolean => services.has(key);
    const policy = this.policies.evaluate([...this.map('TrafficPolicy').values()] as K8sPolicyObject[], exists);
    const routeObjects: { kind: RouteKind; obj: K8sPolicyObject }[] = [
      ...[...this.map('HTTPRoute').values()].map((obj) => ({ kind: 'HTTPRoute' as const, obj: obj as K8sPolicyObject })),
      ...[...this.map('GRPCRoute').values()].map((obj) => ({ kind: 'GRPCRoute' as const, obj: obj as K8sPolicyObject })),
    ];
    const routes = this.routes.evaluate(routeObjects, exists);
    const snapshot: ClusterSnapshot = Object.freeze({
      revision: this.revision,
      services,
      endpointSlices: new Map(this.map('EndpointSlice')) as ClusterSnapshot['endpointSlices'],
      pods: new Map(this.map('Pod')) as ClusterSnapshot['pods'],
      namespaces: new Map(this.map('Namespace')),
      policies: policy.effective,
      routes: routes.attached,
    });
    this.view = { snapshot, policyVerdicts: policy.verdicts, routeVerdicts: routes.verdicts };
    return this.view;
  }

  /** One stored object, as last seen (policy objects keep their status). */
  object(kind: ResourceKind, key: string): K8sObject | undefined {
    return this.map(kind).get(key);
  }

  count(kind: ResourceKind): number {
    return this.map(kind).size;
  }

  private map(kind: ResourceKind): Map<string, K8sObject> {
    return this.objects.get(kind) as Map<string, K8sObject>;
  }

  private touch(kind: ResourceKind): void {
    this.revision++;
    this.view = undefined;
    this.onChange(kind);
  }
}

/** Pods are the bulk of a cluster; keep only what the translator reads. */
function slim(kind: ResourceKind, obj: K8sObject): K8sObject {
  if (kind !== 'Pod') return obj;
  const p = obj as K8sPod;
  const { name, namespace, labels, ownerReferences, uid } = p.metadata;
  return {
    metadata: { name, namespace, labels, ownerReferences, uid },
    spec: { serviceAccountName: p.spec?.serviceAccountName, containers: p.spec?.containers?.map((c) => ({ name: c.name, ports: c.ports })) },
    status: { podIP: p.status?.podIP },
  } as K8sPod;
}
