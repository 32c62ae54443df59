/** The gRPC config server: accepts sidecar streams, authenticates them, and pushes debounced per-proxy configs. */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { configService } from '../../common/api/load.js';
import type { ConfigUpdateMessage, ProxyMessage } from '../../common/api/wire.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { ProxyConfig } from '../../common/config/types.js';
import type { Logger } from '../../common/log.js';
import type { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import { allowAll, type Authenticator } from './auth.js';
import { Debouncer } from './debounce.js';
import { proxyKey, type ProxyIdentity } from '../state/proxy-identity.js';
import { identityFromWire } from './wire-identity.js';
import { ProxyStream } from './proxy-stream.js';
import { SharedServicesCache } from './shared-services.js';
import { prepareConfig, type PreparedConfig } from './prepared-config.js';
import { withPreEncodedResponses } from './update-encoding.js';

/** Builds one proxy's config from the current cluster state; pure, may throw on a bug. */
export type ConfigGenerator = (identity: ProxyIdentity) => ProxyConfig;

export interface ConfigServerOptions {
  generate: ConfigGenerator;
  clock: Clock;
  log: Logger;
  metrics: ControlPlaneMetrics;
  authenticator?: Authenticator;
  debounce?: { quietMs: number; maxMs: number };
  /** Updates a sidecar may leave unacknowledged before its stream is reset. */
  queueLimit?: number;
  /** A stream that has not said who it is within this time is closed. */
  helloTimeoutMs?: number;
  /** Server credentials; plaintext when absent (mTLS plugs in here and in the authenticator). */
  credentials?: grpc.ServerCredentials;
}

type Call = grpc.ServerDuplexStream<ProxyMessage, ConfigUpdateMessage>;

/** HTTP/2 keepalives both ways, so dead sidecars and half-open connections are noticed within a minute. */
export const serverKeepalive: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};

/** Streams offered their config before the event loop gets a turn to send (about 10 ms of work at 1000 services). */
const pushBatch = 32;

/** Makes nonces unique across control-plane replicas and restarts, which helps when reading logs. */
const instanceTag = randomBytes(3).toString('hex');

export class ConfigServer {
  private readonly server = new grpc.Server(serverKeepalive);
  private readonly streams = new Set<ProxyStream>();
  private readonly debouncer: Debouncer<number>;
  private readonly queueLimit: number;
  private ready = false;
  private seq = 0;
  /** Push rounds started; a round stops when a newer one starts. */
  private pushRound = 0;
  /** The change time of a round that has not reached every stream yet (0 when none). */
  private unfinishedObservedAt = 0;
  /** The service table is encoded once per snapshot, not once per proxy. */
  private readonly shared = new SharedServicesCache();
  /** A config object handed out again (the translation cache's hit) is not encoded again. */
  private readonly prepared = new WeakMap<ProxyConfig, PreparedConfig>();

  constructor(private readonly opts: ConfigServerOptions) {
    this.queueLimit = opts.queueLimit ?? 16;
    this.debouncer = new Debouncer(opts.clock, opts.debounce ?? { quietMs: 100, maxMs: 1000 }, (observedAt) => this.pushAll(observedAt));
    this.server.addService(withPreEncodedResponses(configService().service), { streamConfig: (call: Call) => this.accept(call) });
  }

  /** Listen; returns the bound port (pass 0 for an ephemeral one). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, this.opts.credentials ?? grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  }

  /**
   * Cluster state is complete (every watcher listed): from now on sidecars get config. Before, a
   * freshly started control plane would push empty endpoint sets and break traffic.
   */
  setReady(observedAtWallMs = 0): void {
    if (this.ready) return;
    this.ready = true;
    this.pushAll(observedAtWallMs);
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Something in the cluster changed at `observedAtWallMs`; push after the debounce window. Never blocks. */
  changed(observedAtWallMs: number = this.opts.clock.wallNow()): void {
    this.debouncer.trigger(observedAtWallMs);
  }

  get connected(): number {
    return this.streams.size;
  }

  /** The streams, for the admin view and tests. */
  proxies(): readonly ProxyStream[] {
    return [...this.streams];
  }

  async stop(graceMs = 2000): Promise<void> {
    this.debouncer.cancel();
    this.pushRound++;
    for (const s of this.streams) s.close(grpc.status.UNAVAILABLE, 'control plane shutting down');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Offer every stream its config, a batch at a time: between batches the event loop sends what
   * was written, so the first proxies receive their config while later ones are still being built
   * (with 1000 proxies, building all before sending anything held every update back by the whole
   * build). A newer round replaces one still going, keeping the older change's time for the
   * propagation histogram.
   */
  private pushAll(observedAtWallMs: number): void {
    if (!this.ready) return;
    const round = ++this.pushRound;
    const observedAt = this.unfinishedObservedAt > 0 && (observedAtWallMs <= 0 || this.unfinishedObservedAt < observedAtWallMs) ? this.unfinishedObservedAt : observedAtWallMs;
    const streams = [...this.streams];
    const step = (from: number): void => {
      if (round !== this.pushRound) return;
      const end = Math.min(streams.length, from + pushBatch);
      for (let i = from; i < end; i++) this.push(streams[i] as ProxyStream, observedAt);
      this.unfinishedObservedAt = end < streams.length ? observedAt : 0;
      if (end < streams.length) setImmediate(() => step(end));
    };
    step(0);
  }

  private push(stream: ProxyStream, observedAtWallMs: number): void {
    let prepared;
    try {
      const config = this.opts.generate(stream.identity);
      prepared = this.prepared.get(config);
      if (!prepared) this.prepared.set(config, (prepared = prepareConfig(config, this.shared)));
    } catch (err) {
      this.opts.metrics.generateErrors.inc();
      this.opts.log.error({ proxy: stream.key, err }, 'could not build config for proxy; it keeps its current one');
      return;
    }
    stream.offer(prepared, observedAtWallMs);
  }

  private accept(call: Call): void {
    const { clock, log, metrics } = this.opts;
    let stream: ProxyStream | undefined;
    let helloTimer: TimerHandle | undefined = clock.setTimeout(() => refuse(grpc.status.DEADLINE_EXCEEDED, 'no hello', 'hello-timeout'), this.opts.helloTimeoutMs ?? 10_000);
    const refuse = (code: grpc.status, details: string, reason: string): void => {
      helloTimer?.cancel();
      metrics.rejectedStreams.inc({ reason });
      log.warn({ peer: call.getPeer(), reason: details }, 'config stream refused');
      call.emit('error', { code, details });
    };
    const cleanup = (): void => {
      helloTimer?.cancel();
      if (stream && this.streams.delete(stream)) {
        stream.close();
        metrics.connectedProxies.set(this.streams.size);
        log.info({ proxy: stream.key }, 'sidecar disconnected');
      }
    };
    call.on('data', (msg: ProxyMessage) => {
      if (msg.hello && !stream && helloTimer) {
        helloTimer.cancel();
        helloTimer = undefined;
        const identity = identityFromWire(msg.hello.identity);
        if (!identity) return refuse(grpc.status.INVALID_ARGUMENT, 'hello must name the pod (or workload) and namespace', 'bad-hello');
        this.admit(call, identity, msg.hello.currentVersion).then(
          (s) => (stream = s),
          (err: unknown) => refuse(grpc.status.UNAUTHENTICATED, `not authenticated: ${(err as Error).message ?? String(err)}`, 'unauthenticated'),
        );
      } else if (msg.ack) stream?.onAck(msg.ack);
      else if (msg.nack) stream?.onNack(msg.nack);
    });
    call.on('end', () => {
      cleanup();
      call.end();
    });
    call.on('error', cleanup);
    call.on('cancelled', cleanup);
    call.on('close', cleanup);
  }

  private async admit(call: Call, identity: ProxyIdentity, currentVersion: string): Promise<ProxyStream | undefined> {
    const { log, metrics } = this.opts;
    await (this.opts.authenticator ?? allowAll).authenticate({
      identity,
      metadata: call.metadata,
      peer: call.getPeer(),
      peerCertificate: call.getAuthContext?.()?.sslPeerCertificate,
    });
    if (call.cancelled || call.destroyed) return undefined;
    const stream = new ProxyStream(
      identity,
      {
        // The serializer passes encoded updates through (withPreEncodedResponses).
        write: (u) => call.write(u as unknown as ConfigUpdateMessage),
        reset: (code, details) => call.emit('error', { code, details }),
      },
      { queueLimit: this.queueLimit, clock: this.opts.clock, log, metrics, streamId: `${instanceTag}-${(++this.seq).toString(36)}` },
    );
    this.streams.add(stream);
    metrics.connectedProxies.set(this.streams.size);
    log.info({ proxy: proxyKey(identity), currentVersion: currentVersion || undefined }, 'sidecar connected');
    if (this.ready) this.push(stream, 0);
    return stream;
  }
}
