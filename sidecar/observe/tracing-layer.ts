/**
 * Tracing headers layer: keeps or creates x-request-id, continues the caller's W3C or B3 trace with
 * a new span for this hop (or starts one), forwards the formats the request came in plus W3C, and
 * hands the finished span to the exporter when sampled. Bad headers start a new trace, never fail.
 */
import type { Layer } from '../pipeline/types.js';
import { continueTrace, withTraceHeaders } from './tracing/propagation.js';
import type { SpanSink } from './tracing/span.js';
import { finishSpan } from './tracing/finish.js';
import { meterResponse } from './meter.js';

export interface TracingLayerOptions {
  /** Share of new traces that are sampled (config.tracing.samplingRate). */
  samplingRate: number;
  /** Span exporter; without one, only headers are propagated. */
  exporter?: SpanSink;
  random?: () => number;
}

export function tracingLayer(options: TracingLayerOptions): Layer {
  const sampling = { samplingRate: options.samplingRate, random: options.random ?? Math.random };
  const exporter = options.exporter;
  return (next) => async (req, ctx) => {
    const trace = continueTrace(req.headers, sampling, ctx.id);
    ctx.trace = trace;
    const startedAt = ctx.clock.now();
    const startWall = ctx.clock.wallNow();
    const export_ = exporter && trace.span.sampled;
    try {
      const res = await next({ ...req, headers: withTraceHeaders(req.headers, trace) }, ctx);
      // The caller can quote the id of a call it saw fail; it is a correlation id, not trace data.
      res.headers['x-request-id'] ??= trace.requestId;
      if (export_) {
        void meterResponse(res, ctx).then((o) => exporter.record(finishSpan({ req, ctx, startedAt, startWall, status: res.status, outcome: o })));
      }
      return res;
    } catch (err) {
      if (export_) exporter.record(finishSpan({ req, ctx, startedAt, startWall, error: err }));
      throw err;
    }
  };
}
