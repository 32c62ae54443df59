/** B3 propagation (Zipkin): the single `b3` header and the multi `x-b3-*` headers, 64- and 128-bit trace ids. */
import type { Headers } from '../../pipeline/types.js';
import { isHexId, single, type IncomingTrace, type SpanContext } from '../../pipeline/trace-context.js';

/** A B3 header carrying only a sampling decision (`b3: 0`, `x-b3-sampled: 1` without ids). */
export interface SamplingOnly {
  sampled: boolean;
  debug: boolean;
}

export type B3Result = IncomingTrace | SamplingOnly | undefined;

export function isFullTrace(r: B3Result): r is IncomingTrace {
  return r !== undefined && 'traceId' in r;
}

const validTraceId = (s: string): boolean => isHexId(s, 32) || isHexId(s, 16);

/** `b3: {traceid}-{spanid}[-{sampled}[-{parentspanid}]]` or `b3: {sampled}`. */
export function parseB3Single(headers: Headers): B3Result {
  const value = single(headers.b3)?.trim();
  if (!value) return undefined;
  const parts = value.split('-');
  if (parts.length === 1) return samplingFlag(parts[0]!);
  if (parts.length > 4) return undefined;
  const [traceId, spanId, flag, parent] = parts as [string, string, string | undefined, string | undefined];
  if (!validTraceId(traceId) || !isHexId(spanId, 16)) return undefined;
  if (parent !== undefined && !isHexId(parent, 16)) return undefined;
  const decision = flag === undefined ? { sampled: undefined, debug: false } : samplingFlag(flag);
  if (!decision) return undefined;
  return { traceId, spanId, sampled: decision.sampled, debug: decision.debug };
}

/** `x-b3-traceid`, `x-b3-spanid`, `x-b3-parentspanid`, `x-b3-sampled`, `x-b3-flags`. */
export function parseB3Multi(headers: Headers): B3Result {
  const traceId = single(headers['x-b3-traceid'])?.trim();
  const spanId = single(headers['x-b3-spanid'])?.trim();
  const sampledValue = single(headers['x-b3-sampled'])?.trim();
  const debug = single(headers['x-b3-flags'])?.trim() === '1';
  let sampled: boolean | undefined;
  if (sampledValue !== undefined) {
    const flag = { '1': true, true: true, '0': false, false: false }[sampledValue];
    if (flag === undefined) return undefined;
    sampled = flag;
  }
  if (debug) sampled = true;
  if (traceId === undefined && spanId === undefined) return sampled === undefined ? undefined : { sampled, debug };
  if (traceId === undefined || spanId === undefined || !validTraceId(traceId) || !isHexId(spanId, 16)) return undefined;
  const parent = single(headers['x-b3-parentspanid'])?.trim();
  if (parent !== undefined && !isHexId(parent, 16)) return undefined;
  return { traceId, spanId, sampled, debug };
}

function samplingFlag(flag: string): SamplingOnly | undefined {
  if (flag === 'd') return { sampled: true, debug: true };
  if (flag === '1') return { sampled: true, debug: false };
  if (flag === '0') return { sampled: false, debug: false };
  return undefined;
}

export function formatB3Single(span: SpanContext): string {
  const flag = span.debug ? 'd' : span.sampled ? '1' : '0';
  return `${span.traceId}-${span.spanId}-${flag}${span.parentSpanId ? `-${span.parentSpanId}` : ''}`;
}

export function b3MultiHeaders(span: SpanContext): Headers {
  const out: Headers = { 'x-b3-traceid': span.traceId, 'x-b3-spanid': span.spanId };
  if (span.parentSpanId) out['x-b3-parentspanid'] = span.parentSpanId;
  if (span.debug) out['x-b3-flags'] = '1';
  else out['x-b3-sampled'] = span.sampled ? '1' : '0';
  return out;
}

export const b3HeaderNames = ['b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags'];
