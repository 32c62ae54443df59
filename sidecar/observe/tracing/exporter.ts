/**
 * Batches finished spans off the request path: a bounded queue (full -> drop and count), one send
 * at a time, flushed when a batch fills or the interval passes, and on close within a deadline.
 * A failed send drops its batch and is counted; it never reaches a request.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { SidecarMetrics } from '../sidecar-metrics.js';
import type { FinishedSpan, SpanSink } from './span.js';

export type DropReason = 'queue_full' | 'export_failed' | 'shutdown';

export interface SpanExporterOptions {
  batchSize: number;
  maxQueue: number;
  flushIntervalMs: number;
  /** Deliver one batch; reject on failure. Aborted when close() runs out of time. */
  send(batch: FinishedSpan[], signal: AbortSignal): Promise<void>;
  clock: Clock;
  log: Logger;
  metrics?: Pick<SidecarMetrics, 'spansExported' | 'spansDropped'>;
}

export class SpanExporter implements SpanSink {
  private queue: FinishedSpan[] = [];
  private sending?: Promise<void>;
  private timer?: TimerHandle;
  private closed = false;
  private failing = false;
  private readonly abort = new AbortController();
  readonly counts = { exported: 0, dropped: { queue_full: 0, export_failed: 0, shutdown: 0 } };

  constructor(private readonly opts: SpanExporterOptions) {}

  record(span: FinishedSpan): void {
    if (this.closed) return this.drop('shutdown', 1);
    if (this.queue.length >= this.opts.maxQueue) return this.drop('queue_full', 1);
    this.queue.push(span);
    if (this.queue.length >= this.opts.batchSize) this.sendNext();
    else this.armTimer();
  }

  /** Spans waiting to be sent. */
  queued(): number {
    return this.queue.length;
  }

  /** Send what is queued, waiting at most `deadlineMs`; whatever is left then is dropped. */
  async close(deadlineMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    const deadline = this.opts.clock.setTimeout(() => this.abort.abort(new Error('span export deadline passed')), deadlineMs);
    const outOfTime = aborted(this.abort.signal);
    while (!this.abort.signal.aborted && (this.sending || this.queue.length > 0)) {
      this.sendNext();
      await Promise.race([this.sending, outOfTime]);
    }
    deadline.cancel();
    this.drop('shutdown', this.queue.length);
    this.queue = [];
  }

  private sendNext(): void {
    if (this.sending || this.queue.length === 0 || this.abort.signal.aborted) return;
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.queue.splice(0, this.opts.batchSize);
    this.sending = this.opts
      .send(batch, this.abort.signal)
      .then(
        () => this.exported(batch.length),
        (err: unknown) => this.failed(batch.length, err),
      )
      .finally(() => {
        this.sending = undefined;
        if (this.closed) return;
        if (this.queue.length >= this.opts.batchSize) this.sendNext();
        else if (this.queue.length > 0) this.armTimer();
      });
  }

  private armTimer(): void {
    this.timer ??= this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      this.sendNext();
    }, this.opts.flushIntervalMs);
  }

  private exported(n: number): void {
    this.counts.exported += n;
    this.opts.metrics?.spansExported.inc(n);
    if (this.failing) this.opts.log.info('span export recovered');
    this.failing = false;
  }

  private failed(n: number, err: unknown): void {
    this.drop('export_failed', n);
    // One warning per failure streak: a collector that is down must not flood the log.
    if (!this.failing) this.opts.log.warn({ err }, 'span export failed; dropping spans until it recovers');
    this.failing = true;
  }

  private drop(reason: DropReason, n: number): void {
    if (n === 0) return;
    this.counts.dropped[reason] += n;
    this.opts.metrics?.spansDropped.inc({ reason }, n);
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
