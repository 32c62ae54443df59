/** Runs one Reflector per watched resource; CRD-backed ones start only once their CRD is served, checked again periodically. */
import type { TimerHandle } from '../../common/clock.js';
import type { ClusterListener } from '../state/cluster-state.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { watchedResources, type WatchedResource } from './watched-resources.js';

export interface WatcherSetOptions extends Omit<ReflectorOptions, 'listener'> {
  listener: ClusterListener;
  resources?: readonly WatchedResource[];
  /** How often to look again for CRDs that were not installed. */
  discoveryIntervalMs?: number;
}

export class WatcherSet {
  readonly reflectors = new Map<string, Reflector>();
  private readonly pending: WatchedResource[];
  private timer?: TimerHandle;
  private stopped = false;

  constructor(private readonly opts: WatcherSetOptions) {
    this.pending = [...(opts.resources ?? watchedResources)];
  }

  /** Starts every watch; resolves once each resource that exists has been listed. */
  async start(): Promise<void> {
    await this.discover();
    await Promise.all([...this.reflectors.values()].map((r) => r.whenSynced()));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    for (const r of this.reflectors.values()) r.stop();
  }

  /** Start reflectors for resources the API server serves; optional ones that are missing are tried again later. */
  private async discover(): Promise<void> {
    const missing: WatchedResource[] = [];
    for (const res of this.pending.splice(0)) {
      if (res.optional && !(await this.served(res))) {
        missing.push(res);
        continue;
      }
      const r = new Reflector(res, this.opts);
      this.reflectors.set(res.kind, r);
      this.opts.metrics.lagSources.set(res.kind, () => (this.opts.clock.now() - r.lastHeardAt) / 1000);
      r.start();
      this.opts.log.info({ resource: res.kind }, 'watching');
    }
    this.pending.push(...missing);
    if (missing.length && !this.stopped) {
      this.opts.log.info({ resources: missing.map((m) => m.kind) }, 'CRDs not installed; will look again');
      this.timer = this.opts.clock.setTimeout(() => void this.discover(), this.opts.discoveryIntervalMs ?? 30_000);
    }
  }

  private async served(res: WatchedResource): Promise<boolean> {
    try {
      const body = (await this.opts.client.request<{ resources?: { name: string }[] }>('GET', `/apis/${res.groupVersion}`)).body;
      return (body.resources ?? []).some((r) => r.name === res.plural);
    } catch {
      return false;
    }
  }
}
