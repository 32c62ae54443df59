/** Builds the span exporter a TracingConfig asks for: Zipkin v2 JSON or OTLP/HTTP JSON over HTTP. */
import type { Clock } from '../../../common/clock.js';
import type { NodeIdentity, TracingConfig } from '../../../common/config/types.js';
import type { Logger } from '../../../common/log.js';
import type { SidecarMetrics } from '../sidecar-metrics.js';
import { SpanExporter } from './exporter.js';
import { jsonPoster } from './http-post.js';
import { encodeOtlp } from './otlp.js';
import { resourceOf } from './resource.js';
import { encodeZipkin } from './zipkin.js';

export interface CollectorExporter {
  exporter: SpanExporter;
  /** Flush within the deadline, then release the collector connection. */
  close(deadlineMs: number): Promise<void>;
}

export interface CollectorOptions {
  config: NonNullable<TracingConfig['exporter']>;
  node: NodeIdentity;
  clock: Clock;
  log: Logger;
  metrics?: Pick<SidecarMetrics, 'spansExported' | 'spansDropped'>;
  /** Per-send timeout; a collector slower than this loses the batch. */
  timeoutMs?: number;
}

export function createCollectorExporter(options: CollectorOptions): CollectorExporter {
  const { config } = options;
  const resource = resourceOf(options.node);
  const encode = config.kind === 'zipkin' ? encodeZipkin : encodeOtlp;
  const poster = jsonPoster(config.endpoint, options.timeoutMs ?? 5000);
  const exporter = new SpanExporter({
    batchSize: config.batchSize,
    maxQueue: config.maxQueue,
    flushIntervalMs: config.flushIntervalMs,
    clock: options.clock,
    log: options.log,
    metrics: options.metrics,
    send: (batch, signal) => poster.post(encode(batch, resource), signal),
  });
  return {
    exporter,
    close: async (deadlineMs) => {
      await exporter.close(deadlineMs);
      poster.close();
    },
  };
}
