/**
 * The sidecar's observability state that outlives config swaps: the metrics registry and the span
 * exporter. The Sidecar calls `applyConfig` on each accepted config and puts `layers(config)` at
 * the top of both pipelines; the admin server serves `metrics.registry`.
 */
import type { Clock } from '../../common/clock.js';
import type { ProxyConfig, TracingConfig } from '../../common/config/types.js';
import type { Logger } from '../../common/log.js';
import { accessLogLayer } from './access-log.js';
import { metricsLayer } from './metrics-layer.js';
import { peerWorkloads } from './peer-workloads.js';
import { tracingLayer } from './tracing-layer.js';
import { createSidecarMetrics, type SidecarMetrics } from './sidecar-metrics.js';
import type { Layer } from '../pipeline/types.js';
import { createCollectorExporter, type CollectorExporter } from './tracing/collector.js';
import type { FinishedSpan, SpanSink } from './tracing/span.js';

export interface ObservabilityOptions {
  clock: Clock;
  log: Logger;
  /** Export process metrics too (default true; tests may turn them off). */
  processMetrics?: boolean;
  random?: () => number;
}

export class Observability {
  readonly metrics: SidecarMetrics;
  private collector?: { settings: string; exporter: CollectorExporter };
  /** Layers hold this sink, so swapping the collector never rebuilds a pipeline mid-request. */
  private readonly spans: SpanSink = { record: (span: FinishedSpan) => this.collector?.exporter.exporter.record(span) };
  private readonly accessLog: Logger;

  constructor(private readonly opts: ObservabilityOptions) {
    this.metrics = createSidecarMetrics({ processMetrics: opts.processMetrics });
    this.accessLog = opts.log.child({ component: 'access' });
  }

  /** Record an accepted config and start, replace or stop the span exporter it asks for. */
  applyConfig(config: ProxyConfig, source: 'file' | 'control-plane'): void {
    this.metrics.configAppliedAt(config.version, source, this.opts.clock.wallNow());
    this.setExporter(config);
  }

  /** Record a config update that failed validation. */
  rejectConfig(source: 'file' | 'control-plane'): void {
    this.metrics.configRejected(source);
  }

  /** The observe layers for a pipeline built from `config`, outermost first. */
  layers(config: ProxyConfig): Layer[] {
    return [
      // Outermost: counts and times everything the sidecar does with the request.
      metricsLayer(this.metrics, config.node, peerWorkloads(config.services)),
      // x-request-id and trace headers; the span ends with the response body.
      tracingLayer({ samplingRate: config.tracing.samplingRate, exporter: config.tracing.exporter ? this.spans : undefined, random: this.opts.random }),
      // Inside tracing, so each line carries the request and trace ids.
      accessLogLayer({ config: config.accessLog, log: this.accessLog, random: this.opts.random }),
    ];
  }

  /** Flush queued spans within the deadline and release the collector connection. */
  async close(deadlineMs: number): Promise<void> {
    const current = this.collector;
    this.collector = undefined;
    await current?.exporter.close(deadlineMs);
  }

  private setExporter(config: ProxyConfig): void {
    const wanted = config.tracing.exporter;
    const settings = wanted ? JSON.stringify([wanted, config.node]) : '';
    if ((this.collector?.settings ?? '') === settings) return;
    const previous = this.collector;
    this.collector = wanted ? { settings, exporter: this.newExporter(wanted, config) } : undefined;
    // The old exporter sends what it holds in the background; a slow collector must not hold up the swap.
    void previous?.exporter.close(5000);
  }

  private newExporter(wanted: NonNullable<TracingConfig['exporter']>, config: ProxyConfig): CollectorExporter {
    this.opts.log.info({ kind: wanted.kind, endpoint: wanted.endpoint }, 'span export configured');
    return createCollectorExporter({ config: wanted, node: config.node, clock: this.opts.clock, log: this.opts.log, metrics: this.metrics });
  }
}
