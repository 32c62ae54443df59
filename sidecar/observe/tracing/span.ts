/** A finished span of one proxied request, in the neutral shape both exporters encode. */
export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** Bounded: `METHOD service` or `METHOD passthrough`, never a raw path. */
  name: string;
  /** Outbound hops are client spans, inbound hops server spans. */
  kind: 'client' | 'server';
  /** Wall-clock start, epoch milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  /** Where the request went (address:port), when an endpoint was reached. */
  upstream?: string;
  /** String attributes: http.method, http.status_code, weft.error_code, ... */
  attributes: Record<string, string>;
  error: boolean;
}

/** Where finished sampled spans go; `record` must never block or throw. */
export interface SpanSink {
  record(span: FinishedSpan): void;
}
