/**
 * Writes policy and route status (leader only), off the event path: one PATCH at a time, only when
 * what we would write differs from what the object already says. lastTransitionTime moves only
 * when a condition's status changes.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { KubeClient } from '../kube/client.js';
import { controllerName, type Condition } from '../policy/conditions.js';
import type { RouteParentStatus } from '../policy/routes.js';
import type { ResourceKind, StateView } from '../state/cluster-state.js';
import type { K8sPolicyObject } from '../state/k8s-objects.js';

const collections: Partial<Record<ResourceKind, string>> = {
  TrafficPolicy: '/apis/policy.weft.dev/v1alpha1/namespaces/{ns}/trafficpolicies/{name}/status',
  HTTPRoute: '/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/{name}/status',
  GRPCRoute: '/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/grpcroutes/{name}/status',
};

export interface StatusWriterOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  isLeader: () => boolean;
  /** The object as the watch last saw it (with its current status). */
  objectOf: (kind: ResourceKind, key: string) => K8sPolicyObject | undefined;
}

interface Write {
  kind: ResourceKind;
  key: string;
  status: Record<string, unknown>;
}

export class StatusWriter {
  private queue: Write[] = [];
  private running = false;
  writes = 0;
  failures = 0;

  constructor(private readonly opts: StatusWriterOptions) {}

  /** Queue the status writes this view calls for; a newer call replaces queued ones. */
  update(view: StateView): void {
    if (!this.opts.isLeader()) return;
    const now = new Date(this.opts.clock.wallNow()).toISOString();
    const wanted: Write[] = [];
    for (const v of view.policyVerdicts) {
      const obj = this.opts.objectOf('TrafficPolicy', v.key);
      const current = (obj?.status?.conditions ?? []) as Condition[];
      const conditions = [stamp(v.condition, current, now)];
      if (!sameConditions(current, conditions)) wanted.push({ kind: 'TrafficPolicy', key: v.key, status: { conditions } });
    }
    for (const v of view.routeVerdicts) {
      const obj = this.opts.objectOf(v.kind, v.key);
      const currentParents = (obj?.status?.parents ?? []) as RouteParentStatus[];
      const ours = v.parents.map((p) => {
        const existing = currentParents.find((c) => c.controllerName === controllerName && sameRef(c.parentRef, p.parentRef));
        return { ...p, conditions: p.conditions.map((c) => stamp(c, existing?.conditions ?? [], now)) };
      });
      const others = currentParents.filter((c) => c.controllerName !== controllerName);
      const currentOurs = currentParents.filter((c) => c.controllerName === controllerName);
      const unchanged = currentOurs.length === ours.length && ours.every((p, i) => sameRef(p.parentRef, currentOurs[i]!.parentRef) && sameConditions(currentOurs[i]!.conditions, p.conditions));
      if (!unchanged) wanted.push({ kind: v.kind, key: v.key, status: { parents: [...others, ...ours] } });
    }
    this.queue = wanted;
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let w = this.queue.shift(); w; w = this.queue.shift()) {
        if (!this.opts.isLeader()) break;
        const [ns, name] = w.key.split('/') as [string, string];
        const path = (collections[w.kind] as string).replace('{ns}', ns).replace('{name}', name);
        try {
          await this.opts.client.request('PATCH', path, { body: { status: w.status }, contentType: 'application/merge-patch+json' });
          this.writes++;
        } catch (err) {
          this.failures++;
          this.opts.log.warn({ kind: w.kind, object: w.key, err: (err as Error).message }, 'status write failed; it is retried on the next change');
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** Keep the existing lastTransitionTime when the condition's status did not change. */
function stamp(c: Condition, current: readonly Condition[], now: string): Condition {
  const prev = current.find((p) => p.type === c.type);
  return { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
}

function sameConditions(a: readonly Condition[], b: readonly Condition[]): boolean {
  const strip = (cs: readonly Condition[]) => JSON.stringify(cs.map(({ type, status, reason, message, observedGeneration }) => ({ type, status, reason, message, observedGeneration })));
  return strip(a) === strip(b);
}

function sameRef(a: RouteParentStatus['parentRef'], b: RouteParentStatus['parentRef']): boolean {
  return a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') && (a.port ?? 0) === (b.port ?? 0);
}
