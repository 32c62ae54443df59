/** Reads the incoming trace headers (W3C first, then B3 single, then B3 multi) and writes this hop's. */
import type { Headers } from '../../pipeline/types.js';
import { b3HeaderNames, b3MultiHeaders, formatB3Single, isFullTrace, parseB3Multi, parseB3Single } from './b3.js';
import { incomingRequestId, newRequestId, newSpanId, newTraceId, type SpanContext, type TraceContext, type TraceFormat } from '../../pipeline/trace-context.js';
import { formatTraceparent, parseW3C } from './w3c.js';

/** Most requests arrive with W3C headers or none: one shared set for them, never modified. */
const w3cOnly: ReadonlySet<TraceFormat> = new Set<TraceFormat>(['w3c']);

const traceHeaderNames = new Set(['traceparent', 'tracestate', 'x-request-id', ...b3HeaderNames]);

export interface SamplingOptions {
  /** Share of new traces (no incoming decision) that are sampled, 0..1. */
  samplingRate: number;
  /** Uniform [0, 1); injected so tests can pin the sampling decision. */
  random: () => number;
}

/**
 * This hop's trace: the caller's trace continued with a new span id (parent = the caller's span),
 * or a new trace when no valid one arrived. Never throws on bad input. `requestId` is the id to
 * use when the caller sent no valid x-request-id (the context's, so a request has one id).
 */
export function continueTrace(headers: Headers, sampling: SamplingOptions, requestId?: string): TraceContext {
  const b3Single = parseB3Single(headers);
  const b3Multi = parseB3Multi(headers);
  const formats: ReadonlySet<TraceFormat> =
    b3Single || b3Multi ? new Set<TraceFormat>(['w3c', ...(b3Single ? (['b3-single'] as const) : []), ...(b3Multi ? (['b3-multi'] as const) : [])]) : w3cOnly;
  const incoming = parseW3C(headers) ?? (isFullTrace(b3Single) ? b3Single : undefined) ?? (isFullTrace(b3Multi) ? b3Multi : undefined);
  const decision = incoming ?? b3Single ?? b3Multi;
  const debug = decision?.debug ?? false;
  const sampled = debug || (decision?.sampled ?? sampling.random() < sampling.samplingRate);
  const span: SpanContext = incoming
    ? { traceId: incoming.traceId, spanId: newSpanId(), parentSpanId: incoming.spanId, sampled, debug, tracestate: incoming.tracestate }
    : { traceId: newTraceId(), spanId: newSpanId(), sampled, debug };
  return { requestId: incomingRequestId(headers['x-request-id']) ?? requestId ?? newRequestId(), span, formats };
}

/** A copy of `headers` with every incoming trace header replaced by this hop's. */
export function withTraceHeaders(headers: Headers, trace: TraceContext): Headers {
  // One pass that skips the old trace headers: deleting them from a copy would turn it into a
  // slow dictionary-mode object for every later layer (and undici) to read.
  const out: Headers = {};
  for (const name in headers) if (!traceHeaderNames.has(name)) out[name] = headers[name]!;
  out['x-request-id'] = trace.requestId;
  out.traceparent = formatTraceparent(trace.span);
  if (trace.span.tracestate) out.tracestate = trace.span.tracestate;
  if (trace.formats.has('b3-single')) out.b3 = formatB3Single(trace.span);
  if (trace.formats.has('b3-multi')) Object.assign(out, b3MultiHeaders(trace.span));
  return out;
}
