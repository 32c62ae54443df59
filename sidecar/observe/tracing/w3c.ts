/** W3C Trace Context (traceparent/tracestate): strict parsing and formatting. */
import type { Headers } from '../../pipeline/types.js';
import { isHexId, single, type IncomingTrace, type SpanContext } from '../../pipeline/trace-context.js';

const traceparentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
// tracestate: at most 32 list members and 512 characters, visible ASCII only.
const tracestateMax = 512;
const tracestateMembers = 32;

/** The incoming W3C trace, or undefined when traceparent is absent or invalid in any way. */
export function parseW3C(headers: Headers): IncomingTrace | undefined {
  const value = single(headers.traceparent);
  if (value === undefined) return undefined;
  const m = traceparentPattern.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is forbidden; version 00 has exactly four fields, later versions may append more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isHexId(traceId, 32) || !isHexId(spanId, 16)) return undefined;
  return {
    traceId,
    spanId,
    sampled: (parseInt(flags, 16) & 1) === 1,
    debug: false,
    tracestate: parseTracestate(headers.tracestate),
  };
}

/** Several tracestate headers are one list (RFC 9110 field combination); drop it when malformed. */
function parseTracestate(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  const joined = (Array.isArray(v) ? v.join(',') : v).trim();
  if (!joined || joined.length > tracestateMax || !/^[\x20-\x7e]*$/.test(joined)) return undefined;
  const members = joined.split(',').map((s) => s.trim()).filter(Boolean);
  if (members.length > tracestateMembers || members.some((m) => !/^[^=\s]+=[^=]*$/.test(m))) return undefined;
  return members.join(',');
}

/** traceparent for this hop; 64-bit B3 trace ids are left-padded to W3C's 128 bits. */
export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId.padStart(32, '0')}-${span.spanId}-${span.sampled ? '01' : '00'}`;
}
