/**
 * List-then-watch for one resource that never gives up: re-lists on 410 Gone, restarts with
 * backoff on any error, restarts a watch that has been silent too long (no event, no bookmark),
 * and resumes from the last resourceVersion after the server's own watch timeout.
 */
import { backoffDelay, type BackoffPolicy } from '../../common/backoff.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { KubeClient } from '../kube/client.js';
import { KubeApiError } from '../kube/client.js';
import type { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import type { ClusterListener, WatchEventType } from '../state/cluster-state.js';
import type { K8sObject } from '../state/k8s-objects.js';
import type { WatchedResource } from './watched-resources.js';

export interface ReflectorOptions {
  client: KubeClient;
  listener: ClusterListener;
  clock: Clock;
  log: Logger;
  metrics: ControlPlaneMetrics;
  backoff?: BackoffPolicy;
  /** Restart a watch that has not heard anything (events or bookmarks) for this long. */
  maxSilenceMs?: number;
  /** Server-side watch timeout, randomised per watch in [min, 2*min) seconds. */
  watchTimeoutSeconds?: number;
  random?: () => number;
}

type WatchEnd = 'closed' | 'gone' | 'silence';

export class Reflector {
  private stopped = false;
  private abort?: AbortController;
  private resourceVersion?: string;
  private attempt = 0;
  private syncedOnce = false;
  private readonly synced: Promise<void>;
  private markSynced!: () => void;
  /** Clock time the API server was last heard from, for the lag gauge. */
  lastHeardAt: number;
  restarts = 0;

  constructor(
    readonly resource: WatchedResource,
    private readonly opts: ReflectorOptions,
  ) {
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
    this.lastHeardAt = opts.clock.now();
  }

  /** Resolves after the first successful list. */
  whenSynced(): Promise<void> {
    return this.synced;
  }

  get isSynced(): boolean {
    return this.syncedOnce;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private async run(): Promise<void> {
    const { clock, log, metrics } = this.opts;
    const kind = this.resource.kind;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.list();
        const end = await this.watch(this.resourceVersion as string);
        if (this.stopped) break;
        this.restarts++;
        metrics.informerRestarts.inc({ resource: kind, reason: end });
        if (end === 'gone') {
          log.info({ resource: kind }, 'watch expired (410 Gone); re-listing');
          this.resourceVersion = undefined;
        } else if (end === 'silence') {
          log.warn({ resource: kind, silentMs: clock.now() - this.lastHeardAt }, 'watch silent for too long; restarting it');
        }
        this.attempt = 0;
      } catch (err) {
        if (this.stopped) break;
        this.restarts++;
        metrics.informerRestarts.inc({ resource: kind, reason: 'error' });
        const delay = backoffDelay(this.attempt++, this.opts.backoff ?? { baseMs: 200, maxMs: 30_000 }, this.opts.random);
        log.warn({ resource: kind, err: (err as Error).message, retryInMs: delay }, 'list/watch failed; retrying');
        metrics.informerSynced.set({ resource: kind }, this.syncedOnce ? 1 : 0);
        await clock.sleep(delay).catch(() => undefined);
      }
    }
  }

  private async list(): Promise<void> {
    const res = await this.opts.client.request<{ items?: K8sObject[]; metadata?: { resourceVersion?: string } }>('GET', this.resource.path);
    const items = res.body.items ?? [];
    this.opts.listener.onReplace(this.resource.kind, items);
    this.resourceVersion = res.body.metadata?.resourceVersion ?? '0';
    this.heard();
    this.attempt = 0;
    this.opts.metrics.informerSynced.set({ resource: this.resource.kind }, 1);
    if (!this.syncedOnce) {
      this.syncedOnce = true;
      this.markSynced();
    }
  }

  /** One watch request, until the server closes it, 410, or silence; errors throw. */
  private async watch(from: string): Promise<WatchEnd> {
    const abort = new AbortController();
    this.abort = abort;
    let silence: TimerHandle | undefined;
    let silent = false;
    const maxSilenceMs = this.opts.maxSilenceMs ?? 90_000;
    const arm = (): void => {
      silence?.cancel();
      silence = this.opts.clock.setTimeout(() => {
        silent = true;
        abort.abort();
      }, maxSilenceMs);
    };
    const min = this.opts.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.floor(min + (this.opts.random ?? Math.random)() * min);
    arm();
    try {
      const lines = await this.opts.client.stream(this.resource.path, { watch: 'true', resourceVersion: from, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) }, abort.signal);
      for await (const line of lines) {
        if (!line.trim()) continue;
        arm();
        this.heard();
        const end = this.handle(line);
        if (end) return end;
      }
      return silent ? 'silence' : 'closed';
    } catch (err) {
      if (silent) return 'silence';
      if (err instanceof KubeApiError && err.status === 410) return 'gone';
      if (this.stopped) return 'closed';
      throw err;
    } finally {
      silence?.cancel();
      abort.abort();
    }
  }

  private handle(line: string): WatchEnd | undefined {
    let event: { type: string; object: K8sObject & { code?: number; message?: string } };
    try {
      event = JSON.parse(line);
    } catch {
      throw new Error(`undecodable watch line: ${line.slice(0, 80)}`);
    }
    const rv = event.object?.metadata?.resourceVersion;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        this.opts.listener.onEvent(this.resource.kind, event.type as WatchEventType, event.object);
        if (rv) this.resourceVersion = rv;
        return undefined;
      case 'BOOKMARK':
        if (rv) this.resourceVersion = rv;
        return undefined;
      case 'ERROR':
        if (event.object?.code === 410) return 'gone';
        throw new KubeApiError(event.object?.code ?? 500, `watch error: ${event.object?.message ?? 'unknown'}`);
      default:
        throw new Error(`unknown watch event type ${event.type}`);
    }
  }

  private heard(): void {
    this.lastHeardAt = this.opts.clock.now();
  }
}
