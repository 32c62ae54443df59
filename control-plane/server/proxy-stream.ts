/** One sidecar's config stream: sends versioned configs with nonces, matches ACK/NACK, parks refused versions, bounds what is unacknowledged. */
import * as grpc from '@grpc/grpc-js';
import type { AckMessage, NackMessage } from '../../common/api/wire.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import { proxyKey, type ProxyIdentity } from '../state/proxy-identity.js';
import type { PreparedConfig } from './prepared-config.js';

export interface StreamSink {
  /** An encoded ConfigUpdate (the server's serializer passes those through). */
  write(update: Buffer): void;
  /** End the stream with a status; the sidecar reconnects and starts over. */
  reset(code: grpc.status, details: string): void;
}

interface InFlight {
  nonce: string;
  version: string;
  observedAtWallMs: number;
}

export class ProxyStream {
  readonly key: string;
  private seq = 0;
  private inFlight: InFlight[] = [];
  private lastSent?: string;
  private parked = new Set<string>();
  private closed = false;
  /** Version the sidecar last ACKed. */
  acked?: string;

  constructor(
    readonly identity: ProxyIdentity,
    private readonly sink: StreamSink,
    private readonly opts: { queueLimit: number; clock: Clock; log: Logger; metrics: ControlPlaneMetrics; streamId: string },
  ) {
    this.key = proxyKey(identity);
  }

  /**
   * Send `config` unless the sidecar already has it or refused it. A refused (NACKed) version is
   * never sent again on this stream: only a different config goes out (no resend loop: a refused config would be refused again).
   */
  offer(config: PreparedConfig, observedAtWallMs: number): void {
    if (this.closed || config.version === this.lastSent || this.parked.has(config.version)) return;
    if (this.inFlight.length >= this.opts.queueLimit) {
      this.opts.metrics.queueOverflows.inc();
      this.opts.log.warn({ proxy: this.key, unacknowledged: this.inFlight.length }, 'sidecar is not acknowledging config; resetting its stream');
      this.close(grpc.status.RESOURCE_EXHAUSTED, `more than ${this.opts.queueLimit} config updates unacknowledged`);
      return;
    }
    const nonce = `${this.opts.streamId}-${++this.seq}`;
    this.inFlight.push({ nonce, version: config.version, observedAtWallMs });
    this.lastSent = config.version;
    this.opts.metrics.pushes.inc();
    this.opts.metrics.pushBytes.observe(config.bytes);
    this.sink.write(config.encode(nonce, observedAtWallMs));
  }

  onAck(ack: AckMessage): void {
    const sent = this.settle(ack.nonce);
    if (!sent) return;
    this.acked = sent.version;
    this.opts.metrics.acks.inc();
    if (sent.observedAtWallMs > 0) this.opts.metrics.propagation.observe(Math.max(0, this.opts.clock.wallNow() - sent.observedAtWallMs) / 1000);
    this.opts.log.debug({ proxy: this.key, version: sent.version }, 'config acknowledged');
  }

  onNack(nack: NackMessage): void {
    const sent = this.settle(nack.nonce);
    if (!sent) return;
    this.parked.add(sent.version);
    this.opts.metrics.nacks.inc();
    this.opts.log.warn({ proxy: this.key, version: sent.version, reason: nack.error }, 'sidecar refused config; version parked until the config changes');
  }

  get unacknowledged(): number {
    return this.inFlight.length;
  }

  close(code?: grpc.status, details?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (code !== undefined) this.sink.reset(code, details ?? '');
  }

  /** A reply settles its send and every earlier one (the sidecar only ever applies the newest). */
  private settle(nonce: string): InFlight | undefined {
    const i = this.inFlight.findIndex((f) => f.nonce === nonce);
    if (i < 0) {
      this.opts.log.debug({ proxy: this.key, nonce }, 'reply for an unknown nonce ignored');
      return undefined;
    }
    const sent = this.inFlight[i];
    this.inFlight = this.inFlight.slice(i + 1);
    return sent;
  }
}
