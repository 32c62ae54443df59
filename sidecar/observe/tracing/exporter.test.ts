import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/log.js';
import { FakeClock, flushMicrotasks } from '../../../common/testing/fake-clock.js';
import { createSidecarMetrics } from '../sidecar-metrics.js';
import { SpanExporter } from './exporter.js';
import type { FinishedSpan } from './span.js';

function span(i: number): FinishedSpan {
  return { traceId: 'a'.repeat(32), spanId: i.toString(16).padStart(16, '0'), name: 'GET reviews', kind: 'client', startMs: 0, durationMs: 1, attributes: {}, error: false };
}

/** A collector stand-in whose sends stay pending until the test settles them. */
function setup(opts: { batchSize?: number; maxQueue?: number; flushIntervalMs?: number } = {}) {
  const clock = new FakeClock();
  const metrics = createSidecarMetrics({ processMetrics: false });
  const sends: { batch: FinishedSpan[]; signal: AbortSignal; ok: () => void; fail: (e: Error) => void }[] = [];
  const exporter = new SpanExporter({
    batchSize: opts.batchSize ?? 3,
    maxQueue: opts.maxQueue ?? 10,
    flushIntervalMs: opts.flushIntervalMs ?? 1000,
    clock,
    log: silentLogger,
    metrics,
    send: (batch, signal) => new Promise<void>((ok, fail) => sends.push({ batch, signal, ok, fail })),
  });
  return { clock, exporter, sends, metrics };
}

const ids = (b: FinishedSpan[]): number[] => b.map((s) => parseInt(s.spanId, 16));

describe('SpanExporter', () => {
  it('sends a batch as soon as it is full', () => {
    const { exporter, sends } = setup();
    exporter.record(span(1));
    exporter.record(span(2));
    expect(sends).toHaveLength(0);
    exporter.record(span(3));
    expect(sends.map((s) => ids(s.batch))).toEqual([[1, 2, 3]]);
  });

  it('sends a partial batch when the flush interval passes', async () => {
    const { exporter, sends, clock } = setup();
    exporter.record(span(1));
    await clock.advance(999);
    expect(sends).toHaveLength(0);
    await clock.advance(1);
    expect(sends.map((s) => ids(s.batch))).toEqual([[1]]);
  });

  it('keeps one send in flight and sends what queued meanwhile after it', async () => {
    const { exporter, sends } = setup();
    for (let i = 1; i <= 7; i++) exporter.record(span(i));
    expect(sends).toHaveLength(1);
    expect(exporter.queued()).toBe(4);
    sends[0]!.ok();
    await flushMicrotasks();
    expect(sends.map((s) => ids(s.batch))).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(exporter.counts.exported).toBe(3);
  });

  it('drops and counts spans beyond the queue bound while the collector is slow', async () => {
    const { exporter, sends, metrics } = setup({ batchSize: 2, maxQueue: 4 });
    for (let i = 1; i <= 10; i++) exporter.record(span(i));
    // 2 went out in the first batch, 4 wait in the queue, 4 had no room
    expect(sends).toHaveLength(1);
    expect(exporter.queued()).toBe(4);
    expect(exporter.counts.dropped.queue_full).toBe(4);
    expect(await metrics.registry.getSingleMetricAsString('weft_trace_spans_dropped_total')).toContain('weft_trace_spans_dropped_total{reason="queue_full"} 4');
  });

  it('counts a failed batch as dropped and carries on with the next', async () => {
    const { exporter, sends, clock, metrics } = setup({ batchSize: 2 });
    exporter.record(span(1));
    exporter.record(span(2));
    exporter.record(span(3));
    sends[0]!.fail(new Error('503 from collector'));
    await flushMicrotasks();
    expect(exporter.counts.dropped.export_failed).toBe(2);
    await clock.advance(1000);
    expect(ids(sends[1]!.batch)).toEqual([3]);
    sends[1]!.ok();
    await flushMicrotasks();
    expect(exporter.counts.exported).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('weft_trace_spans_exported_total')).toContain('weft_trace_spans_exported_total 1');
  });

  it('flushes everything queued on close', async () => {
    const { exporter, sends } = setup({ batchSize: 2 });
    for (let i = 1; i <= 5; i++) exporter.record(span(i));
    const closing = exporter.close(5000);
    for (let i = 0; i < 3; i++) {
      await flushMicrotasks();
      sends[i]!.ok();
    }
    await closing;
    expect(sends.map((s) => ids(s.batch))).toEqual([[1, 2], [3, 4], [5]]);
    expect(exporter.counts).toEqual({ exported: 5, dropped: { queue_full: 0, export_failed: 0, shutdown: 0 } });
    exporter.record(span(6));
    expect(exporter.counts.dropped.shutdown).toBe(1);
  });

  it('gives up at the close deadline, aborting the send and dropping what is left', async () => {
    const { exporter, sends, clock } = setup({ batchSize: 2 });
    for (let i = 1; i <= 5; i++) exporter.record(span(i));
    let closed = false;
    const closing = exporter.close(2000).then(() => (closed = true));
    await clock.advance(1999);
    expect(closed).toBe(false);
    await clock.advance(1);
    await closing;
    expect(sends[0]!.signal.aborted).toBe(true);
    expect(exporter.counts.dropped.shutdown).toBe(3);
    expect(clock.pending()).toBe(0);
  });
});
