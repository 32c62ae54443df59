/**
 * The Sidecar: the outbound and inbound listeners, the pipelines built from the current config, and
 * the long-lived state (connection pools, balancer) they share. `applyConfig` swaps atomically: a
 * request uses the pipeline of the config current when it arrived, to its end.
 */
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../common/clock.js';
import { defaultLimits, defaultTimeouts } from '../common/config/defaults.js';
import type { Listeners, ProtocolLimits, ProxyConfig } from '../common/config/types.js';
import { silentLogger, type Logger } from '../common/log.js';
import { appAddressFor } from './interception/inbound-app.js';
import type { Destination, OriginalDestination } from './interception/original-destination.js';
import type { PipelineSnapshot } from './listeners/exchange.js';
import { Observability } from './observe/observability.js';
import { Listener } from './listeners/listener.js';
import { inboundPipeline } from './inbound.js';
import { createPolicyState, policyLayers, prunePolicyState, type PolicyState } from './policy/policy-layers.js';
import { policyMetricsEvents } from './observe/policy-metrics.js';
import { outboundPipeline, type PipelineState } from './outbound.js';
import type { TcpDestination } from './protocol/tcp-proxy.js';
import type { Random } from '../common/random.js';
import { Http1Pool } from './upstream/http1-pool.js';
import { Http2Pool } from './upstream/http2-pool.js';
import { connectionSlots } from './upstream/connection-limit.js';
import { namespacedKey } from '../common/keys.js';
import { endpointHealth, type EndpointHealth } from './balancer/endpoint-health.js';
import { ownListenerCheck } from './routing/own-address.js';
import { decidePassthrough, type PassthroughDecision } from './routing/passthrough.js';
import { newHopMark } from './routing/hop-mark.js';

export interface SidecarOptions {
  clock?: Clock;
  log?: Logger;
  /** Random source for weighted splits, mirrors and trace sampling (seeded in tests). */
  random?: Random;
  /**
   * Random source of the policy layers (balancer picks, backoff jitter, fault percentages). Kept
   * apart from `random` so a seeded test of one concern is not shifted by the other's draws.
   */
  policyRandom?: Random;
  /** Export process metrics (CPU, memory, event loop) too; the CLI turns this on. */
  processMetrics?: boolean;
  /**
   * Reads each accepted connection's original destination (WEFT_INTERCEPTION=iptables, the native
   * addon): outbound TCP and unknown HTTP hosts then go there, inbound connections to that port of
   * the app. Absent: the config alone decides (docs/decisions/0201).
   */
  originalDestination?: OriginalDestination;
  /** This proxy's addresses beyond its interfaces' (the pod IP from POD_IP), for the loop guard. */
  ownAddresses?: string[];
}

export type ConfigSourceKind = 'file' | 'control-plane';

interface Active {
  config: ProxyConfig;
  /** Wall-clock epoch ms when this config was applied (admin /config). */
  appliedAt: number;
  outbound: PipelineSnapshot;
  inbound: PipelineSnapshot;
}

export class Sidecar {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly state: PipelineState;
  private readonly originalDestination: SidecarOptions['originalDestination'];
  /** Metrics registry, span export: outlive config swaps. */
  readonly observability: Observability;
  /** Per-service policy state (endpoint sets, budgets, bulkheads, buckets), kept across configs. */
  readonly policyState: PolicyState;
  private active: Active | undefined;
  private listeners: { outbound: Listener; inbound: Listener } | undefined;
  private drainStarted: Promise<void> | undefined;
  private tcpCursor = 0;
  /** Listeners of this process beside the two proxy ports (the admin server), for the loop guard. */
  private readonly otherListeners: AddressInfo[] = [];
  /** The ports of all of them, kept current as they bind: the loop guard reads this on every inbound request. */
  private ownPorts: number[] = [];

  constructor(options: SidecarOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.originalDestination = options.originalDestination;
    const random = options.policyRandom ?? Math.random;
    const policyState = createPolicyState();
    this.policyState = policyState;
    this.observability = new Observability({ clock: this.clock, log: this.log, processMetrics: options.processMetrics ?? false, random: options.random });
    const policyEvents = policyMetricsEvents(this.observability.metrics, this.clock);
    this.state = {
      observe: (config) => this.observability.layers(config),
      http1: new Http1Pool(),
      http2: new Http2Pool(this.clock),
      policy: () => policyLayers({ state: policyState, random, events: policyEvents }),
      forwardEvents: policyEvents,
      connections: connectionSlots(),
      random: options.random,
      isOwnListener: ownListenerCheck({
        ports: () => this.ownPorts,
        extra: () => [...(options.ownAddresses ?? []), ...this.ownListeners().map((a) => a.address)],
      }),
      hopMark: newHopMark(),
      onPassthrough: (outcome) => this.observability.metrics.unknownDestinations.inc({ outcome }),
    };
    // The connection gauges read these when Prometheus scrapes.
    this.observability.metrics.countConnections(() => ({
      outbound: this.listeners?.outbound.tracker.sockets.size ?? 0,
      inbound: this.listeners?.inbound.tracker.sockets.size ?? 0,
      upstream: this.upstreamConnections(),
    }));
  }

  /** A sidecar listening where `config.listeners` says, with `config` applied. */
  static async start(config: ProxyConfig, options: SidecarOptions = {}): Promise<Sidecar> {
    const sidecar = new Sidecar(options);
    sidecar.applyConfig(config);
    await sidecar.listen(config.listeners, config.limits);
    return sidecar;
  }

  /** Bind the outbound and inbound listeners. Requests before the first config get 503 WEFT_NOT_READY. */
  async listen(addresses: Pick<Listeners, 'outbound' | 'inbound'>, limits: ProtocolLimits = defaultLimits): Promise<void> {
    const gauge = this.observability.metrics.openConnections;
    const counted = (direction: 'inbound' | 'outbound') => (delta: number) => gauge.inc({ direction }, delta);
    const common = { clock: this.clock, limits, draining: () => this.drainStarted !== undefined, originalDestination: this.originalDestination };
    const outbound = new Listener({
      ...common,
      name: 'outbound',
      direction: 'outbound',
      log: this.log.child({ listener: 'outbound' }),
      current: () => this.active?.outbound,
      onConnections: counted('outbound'),
      tcpDestination: (original) => this.outboundTcp(original),
      onNonHttp: (original) => {
        const config = this.active?.config;
        const decision = config && original && this.tcpPassthrough(config, original);
        if (decision) this.state.onPassthrough?.(decision.outcome);
      },
    });
    const inbound = new Listener({
      ...common,
      name: 'inbound',
      direction: 'inbound',
      log: this.log.child({ listener: 'inbound' }),
      current: () => this.active?.inbound,
      onConnections: counted('inbound'),
      tcpDestination: (original) => this.inboundTcp(original),
    });
    await outbound.listen(addresses.outbound.address, addresses.outbound.port);
    try {
      await inbound.listen(addresses.inbound.address, addresses.inbound.port);
    } catch (err) {
      outbound.destroy();
      throw err;
    }
    this.listeners = { outbound, inbound };
    this.ownPorts = this.ownListeners().map((a) => a.port);
    this.log.info({ outbound: outbound.address(), inbound: inbound.address() }, 'sidecar listening');
  }

  /** Swap in a validated config (parseProxyConfig). In-flight requests finish on the config they started with. */
  applyConfig(config: ProxyConfig, source: ConfigSourceKind = 'file'): void {
    const replayLimit = Math.max(0, ...config.services.map((s) => Math.max(s.policy.retries.maxBodyBytes, ...s.routes.map((r) => r.retries?.maxBodyBytes ?? 0))));
    this.observability.applyConfig(config, source);
    this.active = {
      config,
      appliedAt: this.clock.wallNow(),
      outbound: { handler: outboundPipeline(config, this.state), limits: config.limits, replayLimit },
      inbound: { handler: inboundPipeline(config, this.state), limits: config.limits, replayLimit },
    };
    this.retireGoneEndpoints(config);
    prunePolicyState(this.policyState, config);
    const services = new Set(config.services.map((s) => namespacedKey(s.namespace, s.name)));
    this.state.connections?.prune((key) => services.has(key));
    this.log.info({ version: config.version, services: config.services.length }, 'config applied');
  }

  isReady(): boolean {
    return this.active !== undefined && this.drainStarted === undefined;
  }

  currentConfig(): ProxyConfig | undefined {
    return this.active?.config;
  }

  /** The config in use and when it was applied (the admin server's /config). */
  configInfo(): { config: ProxyConfig; appliedAt: number } | undefined {
    return this.active && { config: this.active.config, appliedAt: this.active.appliedAt };
  }

  /** Per service port, each endpoint's ejection state, failure share and latency estimate (admin /config). */
  endpointHealth(): Record<string, EndpointHealth[]> {
    return endpointHealth(this.policyState.endpoints, this.clock.now());
  }

  isDraining(): boolean {
    return this.drainStarted !== undefined;
  }

  /** Where the listeners are bound (port 0 becomes the real port). */
  addresses(): { outbound: AddressInfo; inbound: AddressInfo } {
    if (!this.listeners) throw new Error('sidecar is not listening');
    return { outbound: this.listeners.outbound.address(), inbound: this.listeners.inbound.address() };
  }

  /** Another listener of this process (the admin server): the loop guard treats its port as the proxy's own. */
  addOwnListener(address: AddressInfo): void {
    this.otherListeners.push(address);
    this.ownPorts = this.ownListeners().map((a) => a.port);
  }

  private ownListeners(): AddressInfo[] {
    const proxy = this.listeners ? [this.listeners.outbound.address(), this.listeners.inbound.address()] : [];
    return [...proxy, ...this.otherListeners];
  }

  /** Open client connections on both listeners, for leak checks. */
  openConnections(): number {
    return (this.listeners?.outbound.tracker.sockets.size ?? 0) + (this.listeners?.inbound.tracker.sockets.size ?? 0);
  }

  /** Requests the listeners count as in flight (what a drain waits for), for leak checks. */
  inflightRequests(): number {
    return (this.listeners?.outbound.tracker.active ?? 0) + (this.listeners?.inbound.tracker.active ?? 0);
  }

  /** Upstream connections held by the pools (HTTP/1.1 sockets and HTTP/2 sessions). */
  upstreamConnections(): number {
    return this.state.http1.openSockets() + this.state.http2.openSessions();
  }

  /**
   * Graceful drain (SIGTERM, admin /shutdown): stop accepting, let in-flight requests and tunnels
   * finish within `limits.drainMs`, then close everything. Idempotent.
   */
  drain(): Promise<void> {
    this.drainStarted ??= this.runDrain();
    return this.drainStarted;
  }

  private async runDrain(): Promise<void> {
    const listeners = this.listeners ? [this.listeners.outbound, this.listeners.inbound] : [];
    const drainMs = this.active?.config.limits.drainMs ?? defaultLimits.drainMs;
    this.log.info({ drainMs }, 'draining');
    for (const l of listeners) l.stopAccepting();
    const deadline = new AbortController();
    await Promise.race([Promise.all(listeners.map((l) => l.idle())), this.clock.sleep(drainMs, deadline.signal).catch(() => undefined)]);
    deadline.abort();
    const left = listeners.reduce((n, l) => n + l.tracker.active, 0);
    if (left > 0) this.log.warn({ left }, 'drain deadline passed: closing in-flight requests');
    for (const l of listeners) l.destroy();
    this.state.http1.close();
    this.state.http2.close();
    await this.observability.close(1000);
    this.log.info('drained');
  }

  /** Immediate stop (tests, fatal errors): a drain with no grace. */
  async stop(): Promise<void> {
    if (this.active) this.active = { ...this.active, config: { ...this.active.config, limits: { ...this.active.config.limits, drainMs: 0 } } };
    await this.drain();
  }

  private retireGoneEndpoints(config: ProxyConfig): void {
    const keep = new Set<string>();
    for (const s of config.services) for (const p of s.ports) for (const e of p.endpoints) keep.add(`${e.address}:${e.port}`);
    for (const p of config.inbound) keep.add(`${p.appAddress}:${p.appPort}`);
    this.state.http1.retain(keep);
    this.state.http2.retain(keep);
  }

  /**
   * Non-HTTP outbound bytes go to the connection's original destination under interception
   * (docs/decisions/0203): as they are when it is a service's cluster IP (kube-proxy balances),
   * otherwise only as the outbound traffic policy allows (decision 0204), as for HTTP. Without
   * interception, to the one TCP service port of the config, when there is exactly one (0201).
   */
  private outboundTcp(original: Destination | undefined): TcpDestination | undefined {
    const config = this.active?.config;
    if (!config) return undefined;
    if (original) {
      if ((this.tcpPassthrough(config, original)?.outcome ?? 'forwarded') !== 'forwarded') return undefined;
      return { address: original.address, port: original.port, connectMs: defaultTimeouts.connectMs, idleMs: defaultTimeouts.idleMs };
    }
    const tcp = config.services.flatMap((s) => s.ports.filter((p) => p.protocol === 'tcp').map((p) => ({ s, p })));
    if (tcp.length !== 1) return undefined;
    const { s, p } = tcp[0]!;
    const ready = p.endpoints.filter((e) => e.ready);
    const endpoint = ready[this.tcpCursor++ % Math.max(1, ready.length)];
    const labels = { destination_service: s.name, destination_namespace: s.namespace, kind: 'idle' };
    const onIdle = (): void => this.observability.metrics.timeouts.inc(labels);
    return endpoint && { address: endpoint.address, port: endpoint.port, connectMs: s.policy.timeouts.connectMs, idleMs: s.policy.timeouts.idleMs, onIdle };
  }

  /**
   * What the outbound traffic policy says of non-HTTP bytes to `original`; undefined when it is a
   * service's cluster IP, which is no unknown destination.
   */
  private tcpPassthrough(config: ProxyConfig, original: Destination): PassthroughDecision | undefined {
    if (config.services.some((s) => s.clusterIPs.includes(original.address))) return undefined;
    return decidePassthrough({ policy: config.outboundTrafficPolicy, original, absoluteForm: false, authority: `${original.address}:${original.port}`, isOwnListener: this.state.isOwnListener });
  }

  /** Under interception, the app port the caller dialled; otherwise the config's one TCP inbound port. */
  private inboundTcp(original: Destination | undefined): TcpDestination | undefined {
    const config = this.active?.config;
    if (original) {
      const app = config && appAddressFor(config.inbound, original, this.state.isOwnListener);
      return app && { address: app.address, port: app.port, connectMs: 1000 };
    }
    const tcp = config?.inbound.filter((p) => p.protocol === 'tcp') ?? [];
    return tcp.length === 1 ? { address: tcp[0]!.appAddress, port: tcp[0]!.appPort, connectMs: 1000 } : undefined;
  }
}
