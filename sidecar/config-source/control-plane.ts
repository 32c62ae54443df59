/** The sidecar's control-plane config source: one gRPC stream that identifies, validates each pushed config, ACKs or NACKs it, and reconnects with backoff. */
import * as grpc from '@grpc/grpc-js';
import { configService } from '../../common/api/load.js';
import { decodePayload } from '../../common/api/payload.js';
import type { ConfigUpdateMessage, ProxyIdentityMessage, ProxyMessage } from '../../common/api/wire.js';
import { backoffDelay, type BackoffPolicy } from '../../common/backoff.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { parseProxyConfig, type Listeners, type ProxyConfig } from '../../common/config/index.js';
import { ConfigError, ErrorCodes, WeftError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';

export interface ControlPlaneSourceOptions {
  /** host:port of the control plane's gRPC endpoint. */
  address: string;
  identity: ProxyIdentityMessage;
  clock: Clock;
  log: Logger;
  backoff?: BackoffPolicy;
  random?: () => number;
  credentials?: grpc.ChannelCredentials;
  /** Local bind addresses that win over the pushed config's (they belong to the pod, not the cluster). */
  listeners?: Partial<Listeners>;
}

export interface ControlPlaneStatus {
  connected: boolean;
  /** Version of the config in force, undefined before the first one. */
  version?: string;
  /** Milliseconds since that config was applied. */
  ageMs?: number;
  reconnects: number;
  nacks: number;
  lastError?: string;
  /** Delay of the pending reconnect, when one is scheduled. */
  retryInMs?: number;
}

type Stream = grpc.ClientDuplexStream<ProxyMessage, ConfigUpdateMessage>;
type Listener = (config: ProxyConfig) => void;
type ErrorListener = (err: WeftError) => void;

const channelOptions: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
};

export class ControlPlaneSource {
  private readonly listeners: Listener[] = [];
  private readonly errorListeners: ErrorListener[] = [];
  private first?: Promise<ProxyConfig>;
  private resolveFirst?: (config: ProxyConfig) => void;
  private readonly backoff: BackoffPolicy;
  private client?: grpc.Client;
  private stream?: Stream;
  private config?: ProxyConfig;
  private appliedAt = 0;
  private attempt = 0;
  private retry?: { timer: TimerHandle; delay: number };
  private stopped = true;
  private connected = false;
  private reconnects = 0;
  private nacks = 0;
  private lastError?: string;

  constructor(private readonly opts: ControlPlaneSourceOptions) {
    this.backoff = opts.backoff ?? { baseMs: 250, maxMs: 30_000 };
  }

  /** Called with every config accepted from the control plane, like the static file source. */
  onConfig(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Called when a pushed config is refused (NACKed); the previous one stays. */
  onError(listener: ErrorListener): void {
    this.errorListeners.push(listener);
  }

  /** Connects (and keeps reconnecting); resolves with the first accepted config, like the file source's start(). */
  start(): Promise<ProxyConfig> {
    if (!this.first) this.first = new Promise((resolve) => (this.resolveFirst = resolve));
    if (this.stopped) {
      this.stopped = false;
      this.connect();
    }
    return this.first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry?.timer.cancel();
    this.retry = undefined;
    this.stream?.cancel();
    this.stream = undefined;
    this.client?.close();
    this.client = undefined;
    this.connected = false;
  }

  /** The last good config; kept while the control plane is away. */
  current(): ProxyConfig | undefined {
    return this.config;
  }

  /** Ready once a first config has been accepted. */
  get ready(): boolean {
    return this.config !== undefined;
  }

  status(): ControlPlaneStatus {
    return {
      connected: this.connected,
      version: this.config?.version,
      ageMs: this.config ? this.opts.clock.now() - this.appliedAt : undefined,
      reconnects: this.reconnects,
      nacks: this.nacks,
      lastError: this.lastError,
      retryInMs: this.retry?.delay,
    };
  }

  private connect(): void {
    if (this.stopped) return;
    // A fresh channel per attempt: our backoff, not the channel's own (1 s to 120 s), decides when to retry.
    this.client?.close();
    const Client = configService();
    this.client = new Client(this.opts.address, this.opts.credentials ?? grpc.credentials.createInsecure(), channelOptions);
    const stream = (this.client as unknown as { streamConfig(): Stream }).streamConfig();
    this.stream = stream;
    let ended = false;
    const onEnd = (err?: Error): void => {
      if (ended) return;
      ended = true;
      if (this.stream === stream) this.stream = undefined;
      this.connected = false;
      if (err) this.lastError = err.message;
      if (this.stopped) return;
      this.opts.log.warn({ err: err?.message, version: this.config?.version }, 'control-plane stream ended; keeping the last good config');
      this.scheduleReconnect();
    };
    stream.on('data', (update: ConfigUpdateMessage) => {
      this.connected = true;
      this.attempt = 0;
      this.receive(stream, update);
    });
    stream.on('error', (err: Error) => onEnd(err));
    stream.on('end', () => onEnd());
    stream.on('status', (s: grpc.StatusObject) => {
      if (s.code !== grpc.status.OK) onEnd(new Error(`${grpc.status[s.code]}: ${s.details}`));
    });
    stream.write({ hello: { identity: this.opts.identity, currentVersion: this.config?.version ?? '' } });
  }

  private receive(stream: Stream, update: ConfigUpdateMessage): void {
    const reply = (m: ProxyMessage): void => {
      stream.write(m);
    };
    if (this.config && update.version === this.config.version) {
      reply({ ack: { nonce: update.nonce, version: update.version } });
      return;
    }
    let config: ProxyConfig;
    try {
      config = this.localize(parseProxyConfig(JSON.parse(decodePayload(update))));
      for (const l of this.listeners) l(config);
    } catch (err) {
      this.nacks++;
      const message = (err as Error).message;
      const weftErr = err instanceof WeftError ? err : new WeftError(ErrorCodes.CONFIG_INVALID, message, { cause: err });
      for (const l of this.errorListeners) l(err instanceof SyntaxError ? new ConfigError('', `not JSON: ${message}`) : weftErr);
      this.opts.log.warn({ version: update.version, err: message }, 'refused config from the control plane; keeping the previous one');
      reply({ nack: { nonce: update.nonce, version: update.version, error: message } });
      return;
    }
    this.config = config;
    this.appliedAt = this.opts.clock.now();
    this.resolveFirst?.(config);
    this.resolveFirst = undefined;
    this.opts.log.info({ version: config.version, services: config.services.length }, 'applied config from the control plane');
    reply({ ack: { nonce: update.nonce, version: update.version } });
  }

  private localize(config: ProxyConfig): ProxyConfig {
    const l = this.opts.listeners;
    return l ? { ...config, listeners: { ...config.listeners, ...l } } : config;
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.backoff, this.opts.random);
    this.reconnects++;
    this.retry = {
      delay,
      timer: this.opts.clock.setTimeout(() => {
        this.retry = undefined;
        this.connect();
      }, delay),
    };
  }
}

/**
 * The sidecar's identity for the Hello, from flags or the pod's environment (downward API):
 * POD_NAME, POD_NAMESPACE, SERVICE_ACCOUNT, WEFT_WORKLOAD, POD_IP, WEFT_LABELS (`k=v,k2=v2`).
 */
export function identityFrom(flags: Partial<Record<'pod' | 'namespace' | 'serviceAccount' | 'workload' | 'podIp' | 'labels', string>>, env: NodeJS.ProcessEnv): ProxyIdentityMessage {
  const pod = flags.pod ?? env.POD_NAME ?? '';
  const labels: Record<string, string> = {};
  for (const pair of (flags.labels ?? env.WEFT_LABELS ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) labels[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return {
    pod,
    namespace: flags.namespace ?? env.POD_NAMESPACE ?? 'default',
    serviceAccount: flags.serviceAccount ?? env.SERVICE_ACCOUNT ?? 'default',
    workload: flags.workload ?? env.WEFT_WORKLOAD ?? pod,
    labels,
    podIp: flags.podIp ?? env.POD_IP ?? '',
  };
}
