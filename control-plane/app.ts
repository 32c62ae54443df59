/**
 * The control plane assembled: watchers -> cluster state -> translator -> config server, with the
 * status writer behind leader election and the admin endpoint beside. main.ts parses flags and
 * builds one of these; tests build one against a fake API server.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import { AdminServer } from './admin/admin-server.js';
import type { KubeClient } from './kube/client.js';
import { LeaseElector } from './leader/lease.js';
import { ControlPlaneMetrics } from './metrics/control-plane-metrics.js';
import type { Authenticator } from './server/auth.js';
import { ConfigServer } from './server/config-server.js';
import { Debouncer } from './server/debounce.js';
import { ClusterState } from './state/cluster-state.js';
import type { K8sPolicyObject } from './state/k8s-objects.js';
import { StatusWriter } from './status/writer.js';
import { TranslationCache } from './translator/translation-cache.js';
import { defaultTranslatorOptions, type TranslatorOptions } from './translator/translate.js';
import type { WatchedResource } from './watchers/watched-resources.js';
import type { InjectorSettings } from './injector/settings.js';
import { WatcherSet } from './watchers/watcher-set.js';
import { WebhookServer } from './webhook/server.js';

export interface ControlPlaneOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  grpc: { host: string; port: number };
  admin: { host: string; port: number };
  translator?: TranslatorOptions;
  /** Leader election; without it this replica always writes status (single replica, tests). */
  lease?: { namespace: string; name: string; identity: string; durationMs?: number };
  debounce?: { quietMs: number; maxMs: number };
  authenticator?: Authenticator;
  resources?: readonly WatchedResource[];
  maxSilenceMs?: number;
  /** The injection webhook (HTTPS); without it this replica serves no admission reviews. */
  webhook?: { host: string; port: number; certFile: string; keyFile: string; settings: InjectorSettings; reloadMs?: number };
}

export class ControlPlane {
  readonly metrics = new ControlPlaneMetrics();
  readonly state: ClusterState;
  readonly server: ConfigServer;
  readonly watchers: WatcherSet;
  readonly status: StatusWriter;
  readonly elector?: LeaseElector;
  private readonly admin: AdminServer;
  private readonly webhook?: WebhookServer;
  private readonly statusDebounce: Debouncer<number>;
  private synced = false;
  ports = { grpc: 0, admin: 0, webhook: 0 };

  constructor(private readonly opts: ControlPlaneOptions) {
    const { clock, log, client } = opts;
    const translations = new TranslationCache(opts.translator ?? defaultTranslatorOptions);
    this.state = new ClusterState(() => this.onClusterChange());
    this.server = new ConfigServer({
      generate: (id) => translations.translate(this.state.current().snapshot, id),
      clock,
      log: log.child({ component: 'config-server' }),
      metrics: this.metrics,
      debounce: opts.debounce,
      authenticator: opts.authenticator,
    });
    this.watchers = new WatcherSet({ client, listener: this.state, clock, log: log.child({ component: 'watchers' }), metrics: this.metrics, resources: opts.resources, maxSilenceMs: opts.maxSilenceMs });
    if (opts.lease) {
      this.elector = new LeaseElector({
        client,
        clock,
        log: log.child({ component: 'leader' }),
        ...opts.lease,
        leaseDurationMs: opts.lease.durationMs,
        onChange: (leader) => {
          this.metrics.isLeader.set(leader ? 1 : 0);
          if (leader) this.statusDebounce.trigger(0);
        },
      });
    } else {
      this.metrics.isLeader.set(1);
    }
    this.status = new StatusWriter({
      client,
      clock,
      log: log.child({ component: 'status' }),
      isLeader: () => this.elector?.isLeader ?? true,
      objectOf: (kind, key) => this.state.object(kind, key) as K8sPolicyObject | undefined,
    });
    this.statusDebounce = new Debouncer(clock, { quietMs: 200, maxMs: 2000 }, () => this.status.update(this.state.current()));
    this.admin = new AdminServer({
      metrics: this.metrics,
      log,
      notReady: () => (this.synced ? undefined : 'waiting for the first list of every watched resource'),
      proxies: () => this.server.proxies().map((p) => ({ proxy: p.key, acked: p.acked, unacknowledged: p.unacknowledged })),
    });
    if (opts.webhook) {
      this.webhook = new WebhookServer({
        ...opts.webhook,
        clock,
        log: log.child({ component: 'webhook' }),
        metrics: this.metrics,
        namespaceLabels: (ns) => this.state.object('Namespace', ns)?.metadata.labels ?? {},
      });
    }
  }

  async start(): Promise<void> {
    this.ports.admin = await this.admin.listen(this.opts.admin.host, this.opts.admin.port);
    this.ports.grpc = await this.server.listen(this.opts.grpc.host, this.opts.grpc.port);
    if (this.webhook && this.opts.webhook) this.ports.webhook = await this.webhook.listen(this.opts.webhook.host, this.opts.webhook.port);
    this.opts.log.info(this.ports, 'control plane listening');
    this.elector?.start();
    await this.watchers.start();
    this.synced = true;
    this.server.setReady(this.opts.clock.wallNow());
    this.statusDebounce.trigger(0);
    this.opts.log.info({ services: this.state.count('Service'), pods: this.state.count('Pod') }, 'cluster state synced; serving config');
  }

  async stop(): Promise<void> {
    this.statusDebounce.cancel();
    this.watchers.stop();
    await this.elector?.stop();
    await this.server.stop();
    await this.webhook?.close();
    await this.admin.close();
  }

  private onClusterChange(): void {
    // Runs inside the watch callback: only schedule work, never do it here, so a burst of
    // events becomes one debounced push and a slow translation never stalls the watch stream.
    const now = this.opts.clock.wallNow();
    this.server.changed(now);
    this.statusDebounce.trigger(now);
  }
}
