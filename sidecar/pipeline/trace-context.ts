/** The trace state of one request at this hop, as the tracing layer records it on the RequestContext. */
import { randomBytes, randomUUID } from 'node:crypto';

/** Header formats a trace can travel in; a request is forwarded in the formats it came in, plus W3C. */
export type TraceFormat = 'w3c' | 'b3-single' | 'b3-multi';

/** What the previous hop sent, after strict validation. */
export interface IncomingTrace {
  /** 32 lowercase hex digits, or 16 when a B3 caller uses 64-bit trace ids. */
  traceId: string;
  /** The caller's span: the parent of this hop's span. */
  spanId: string;
  /** The caller's sampling decision; undefined when it left the decision to us. */
  sampled?: boolean;
  debug: boolean;
  /** W3C tracestate, passed on unchanged (weft adds no vendor entry). */
  tracestate?: string;
}

/** This hop's span. */
export interface SpanContext {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  sampled: boolean;
  debug: boolean;
  tracestate?: string;
}

export interface TraceContext {
  /** The x-request-id this request carries (kept from the caller or created here). */
  readonly requestId: string;
  readonly span: SpanContext;
  /** Formats the request arrived with; 'w3c' is always emitted. */
  readonly formats: ReadonlySet<TraceFormat>;
}

/** Lowercase hex of `n` random bytes; never all zeros (zero ids are invalid in W3C and B3). */
export function randomHex(n: number): string {
  for (;;) {
    const hex = takeHex(n * 2);
    if (!/^0+$/.test(hex)) return hex;
  }
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);
export const newRequestId = (): string => randomUUID();

// Correlation ids are echoed into logs and responses: accept only a bounded run of visible ASCII.
const requestIdPattern = /^[\x21-\x7e]{1,200}$/;

/** The caller's x-request-id when it is one we may echo, else undefined. */
export function incomingRequestId(value: string | string[] | undefined): string | undefined {
  const given = single(value);
  return given !== undefined && requestIdPattern.test(given) ? given : undefined;
}

/** The id of a request: the caller's valid x-request-id, or a new one. */
export function requestIdOf(value: string | string[] | undefined): string {
  return incomingRequestId(value) ?? newRequestId();
}

// Ids are needed on every request: random bytes are drawn 4 KiB at a time and turned into hex
// text once, and each id is a slice of that text (no Buffer view and hex conversion per id).
let hexPool = '';
let hexOffset = 0;

function takeHex(chars: number): string {
  if (hexOffset + chars > hexPool.length) {
    hexPool = randomBytes(4096).toString('hex');
    hexOffset = 0;
  }
  const out = hexPool.slice(hexOffset, hexOffset + chars);
  hexOffset += chars;
  return out;
}

/** True for a string of exactly `len` lowercase hex digits that are not all zero. */
export function isHexId(s: string, len: number): boolean {
  return s.length === len && /^[0-9a-f]+$/.test(s) && !/^0+$/.test(s);
}

/** A single header value; undefined when absent, or when repeated with differing values (ambiguous). */
export function single(v: string | string[] | undefined): string | undefined {
  if (v === undefined || typeof v === 'string') return v;
  return v.every((x) => x === v[0]) ? v[0] : undefined;
}
