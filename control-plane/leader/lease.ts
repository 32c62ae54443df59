/**
 * Leader election on a coordination.k8s.io/v1 Lease: every replica serves proxies, only the holder
 * of the Lease writes status. Optimistic concurrency (resourceVersion) settles races; a leader that
 * cannot renew within the lease duration steps down before anyone else may take over.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { KubeApiError, type KubeClient } from '../kube/client.js';

export interface LeaseOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** This replica's identity (its pod name). */
  identity: string;
  clock: Clock;
  log: Logger;
  leaseDurationMs?: number;
  renewIntervalMs?: number;
  onChange?: (leader: boolean) => void;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

export class LeaseElector {
  private leader = false;
  private timer?: TimerHandle;
  private stopped = false;
  private lastRenewed = 0;
  private readonly durationMs: number;

  constructor(private readonly opts: LeaseOptions) {
    this.durationMs = opts.leaseDurationMs ?? 15_000;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    const loop = async (): Promise<void> => {
      await this.tick();
      if (!this.stopped) this.timer = this.opts.clock.setTimeout(() => void loop(), this.opts.renewIntervalMs ?? Math.round(this.durationMs / 3));
    };
    void loop();
  }

  /** Stops campaigning; a leader gives the lease up so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (!this.leader) return;
    this.set(false);
    try {
      const lease = await this.get();
      if (lease?.spec.holderIdentity === this.opts.identity) {
        await this.put({ ...lease, spec: { ...lease.spec, holderIdentity: undefined, renewTime: undefined } });
      }
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'could not release the leader lease');
    }
  }

  /** One round: acquire, renew or observe. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.round();
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'leader election round failed');
    }
    // A leader that has not renewed for a whole lease duration may have been replaced: step down.
    if (this.leader && this.opts.clock.now() - this.lastRenewed > this.durationMs) this.set(false);
  }

  private async round(): Promise<void> {
    const now = new Date(this.opts.clock.wallNow()).toISOString().replace('Z', '000Z');
    const lease = await this.get();
    const spec = { holderIdentity: this.opts.identity, leaseDurationSeconds: Math.ceil(this.durationMs / 1000), renewTime: now };
    if (!lease) {
      await this.opts.client.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${this.opts.namespace}/leases`, {
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.opts.name, namespace: this.opts.namespace }, spec: { ...spec, acquireTime: now, leaseTransitions: 0 } },
      });
      return this.renewed();
    }
    const holder = lease.spec.holderIdentity;
    if (holder === this.opts.identity) {
      await this.put({ ...lease, spec: { ...lease.spec, ...spec } });
      return this.renewed();
    }
    const renewedAt = lease.spec.renewTime ? parseMicroTime(lease.spec.renewTime) : 0;
    const expired = !holder || renewedAt + (lease.spec.leaseDurationSeconds ?? 15) * 1000 < this.opts.clock.wallNow();
    if (!expired) {
      if (this.leader) this.set(false);
      return;
    }
    await this.put({ ...lease, spec: { ...spec, acquireTime: now, leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 } });
    this.opts.log.info({ previous: holder }, 'acquired the leader lease');
    this.renewed();
  }

  private renewed(): void {
    this.lastRenewed = this.opts.clock.now();
    if (!this.leader) this.set(true);
  }

  private set(leader: boolean): void {
    this.leader = leader;
    this.opts.log.info({ leader }, leader ? 'this replica is now the leader and writes status' : 'this replica is no longer the leader');
    this.opts.onChange?.(leader);
  }

  private path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.opts.namespace}/leases/${this.opts.name}`;
  }

  private async get(): Promise<Lease | undefined> {
    try {
      return (await this.opts.client.request<Lease>('GET', this.path())).body;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private async put(lease: Lease): Promise<void> {
    await this.opts.client.request('PUT', this.path(), { body: lease });
  }
}

/** Kubernetes MicroTime has six fractional digits, which Date.parse does not read; keep milliseconds. */
export function parseMicroTime(v: string): number {
  const ms = Date.parse(v.replace(/(\.\d{3})\d*/, '$1'));
  return Number.isNaN(ms) ? 0 : ms;
}
