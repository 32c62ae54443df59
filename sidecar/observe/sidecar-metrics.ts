/**
 * The sidecar's Prometheus metrics: one prom-client Registry per sidecar and every metric weft
 * exports, as a typed object the layers call (`metrics.retries.inc(labels)`). Names follow
 * Prometheus conventions (`weft_` prefix, `_total`, `_seconds`, `_bytes`); labels are bounded:
 * service, workload, namespace and route names from the config, status codes and stable error codes,
 * never a path or a request id. docs/observability.md lists them for dashboards.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { SeriesHistogram } from './series-histogram.js';
import { SeriesLabelCache } from './series-labels.js';
import { peerLabels, requestLabels, serviceLabels } from './metric-labels.js';

export type { PeerLabel, RequestLabel, ServiceLabel } from './metric-labels.js';

/** Seconds: a sub-millisecond local hop up to a slow call at the 60 s edge of most timeouts. */
export const durationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricsOptions {
  /** Also export process metrics (CPU, memory, event-loop lag, GC) as `weft_process_*`, `weft_nodejs_*`. */
  processMetrics?: boolean;
}

export type SidecarMetrics = ReturnType<typeof createSidecarMetrics>;

/** Open connections, read when Prometheus scrapes rather than counted on the connection path. */
export interface ConnectionCounts {
  /** Client connections open on each listener. */
  outbound: number;
  inbound: number;
  /** Connections the upstream pools hold (HTTP/1.1 sockets and HTTP/2 sessions, both directions). */
  upstream: number;
}

export function createSidecarMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'weft_' });
  const registers = [registry];
  let connections: (() => ConnectionCounts) | undefined;
  // The per-request counters are counted per series by the metrics layer and handed over here when
  // Prometheus scrapes (sidecar/observe/series-labels.ts).
  const series = new SeriesLabelCache();
  const metrics = {
    registry,
    series,
    requests: new Counter({
      name: 'weft_requests_total',
      help: 'Requests proxied, by peers, status and error code.',
      labelNames: requestLabels,
      registers,
      collect() {
        series.drain('requests', (set, n) => this.inc(set.request, n));
      },
    }),
    // Labels: the peer labels and status_class (series-labels.ts builds them once per series).
    requestDuration: new SeriesHistogram({
      name: 'weft_request_duration_seconds',
      help: 'Time from receiving the request to the end of the response body.',
      buckets: durationBuckets,
      registers,
    }),
    requestBytes: new Counter({
      name: 'weft_request_bytes_total',
      help: 'Request body bytes received from the caller.',
      labelNames: peerLabels,
      registers,
      collect() {
        series.drain('requestBytes', (set, n) => this.inc(set.peers, n));
      },
    }),
    responseBytes: new Counter({
      name: 'weft_response_bytes_total',
      help: 'Response body bytes sent to the caller.',
      labelNames: peerLabels,
      registers,
      collect() {
        series.drain('responseBytes', (set, n) => this.inc(set.peers, n));
      },
    }),
    retries: new Counter({ name: 'weft_retries_total', help: 'Retries sent, by the condition that caused them (5xx, reset, connect-failure, ...).', labelNames: [...serviceLabels, 'route', 'reason'] as const, registers }),
    retryBudgetExhausted: new Counter({ name: 'weft_retry_budget_exhausted_total', help: 'Retries not sent because the retry budget was spent.', labelNames: serviceLabels, registers }),
    timeouts: new Counter({ name: 'weft_timeouts_total', help: 'Timeouts, by kind: connect, request, per_try, idle.', labelNames: [...serviceLabels, 'kind'] as const, registers }),
    tryFailures: new Counter({ name: 'weft_try_failures_total', help: 'Tries that failed, by cause (5xx, grpc:UNAVAILABLE, connect-failure, reset, timeout, protocol-error).', labelNames: [...serviceLabels, 'cause'] as const, registers }),
    outlierEjections: new Counter({ name: 'weft_outlier_ejections_total', help: 'Endpoints ejected by outlier detection.', labelNames: serviceLabels, registers }),
    ejectedEndpoints: new Gauge({ name: 'weft_outlier_ejected_endpoints', help: 'Endpoints currently ejected.', labelNames: serviceLabels, registers }),
    rateLimited: new Counter({ name: 'weft_rate_limited_total', help: 'Requests refused by the local rate limit.', labelNames: ['direction', ...serviceLabels] as const, registers }),
    overloaded: new Counter({ name: 'weft_overload_rejections_total', help: 'Requests failed fast by connection or pending-request limits, by limit.', labelNames: [...serviceLabels, 'limit'] as const, registers }),
    unknownDestinations: new Counter({
      name: 'weft_unknown_destination_requests_total',
      help: 'Outbound requests for a destination the config does not know, by outcome: forwarded (to the original destination), refused_registry_only, refused_no_original_destination, refused_absolute_form, refused_loop.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    openConnections: new Gauge({
      name: 'weft_open_connections',
      help: 'Client connections open on the outbound and inbound listeners.',
      labelNames: ['direction'] as const,
      registers,
      collect() {
        const c = connections?.();
        if (!c) return;
        this.set({ direction: 'outbound' }, c.outbound);
        this.set({ direction: 'inbound' }, c.inbound);
      },
    }),
    upstreamConnections: new Gauge({
      name: 'weft_upstream_connections',
      help: 'Connections held by the upstream pools (HTTP/1.1 sockets, HTTP/2 sessions).',
      registers,
      collect() {
        const c = connections?.();
        if (c) this.set(c.upstream);
      },
    }),
    config: new Gauge({ name: 'weft_config_info', help: 'The config in use (value 1), labelled by its version.', labelNames: ['version'] as const, registers }),
    configApplied: new Gauge({ name: 'weft_config_applied_timestamp_seconds', help: 'When the config in use was applied (Unix seconds).', registers }),
    configReloads: new Counter({ name: 'weft_config_reloads_total', help: 'Config updates received, by source (file, control-plane) and result (applied, rejected).', labelNames: ['source', 'result'] as const, registers }),
    spansExported: new Counter({ name: 'weft_trace_spans_exported_total', help: 'Spans accepted by the trace collector.', registers }),
    spansDropped: new Counter({ name: 'weft_trace_spans_dropped_total', help: 'Spans dropped: queue_full, export_failed, shutdown.', labelNames: ['reason'] as const, registers }),
  };
  return {
    ...metrics,
    /** Where the connection gauges read their values at scrape time. */
    countConnections(source: () => ConnectionCounts): void {
      connections = source;
    },
    /** Record a config that was validated and swapped in; `wallMs` from clock.wallNow(). */
    configAppliedAt(version: string, source: string, wallMs: number): void {
      metrics.config.reset();
      metrics.config.set({ version }, 1);
      metrics.configApplied.set(wallMs / 1000);
      metrics.configReloads.inc({ source, result: 'applied' });
    },
    /** Record a config update that failed validation (the previous config stays). */
    configRejected(source: string): void {
      metrics.configReloads.inc({ source, result: 'rejected' });
    },
  };
}
