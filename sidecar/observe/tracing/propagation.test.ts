import { describe, expect, it } from 'vitest';
import type { Headers } from '../../pipeline/types.js';
import { continueTrace, withTraceHeaders } from './propagation.js';

const T128 = '4bf92f3577b34da6a3ce929d0e0e4736';
const T64 = 'a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const P = '0020000000000001';
const always = { samplingRate: 1, random: () => 0.5 };
const never = { samplingRate: 0, random: () => 0.5 };

function hop(headers: Headers, sampling = always) {
  const trace = continueTrace(headers, sampling);
  return { trace, out: withTraceHeaders(headers, trace) };
}

describe('W3C traceparent', () => {
  it('continues a valid trace with a new span whose parent is the caller span', () => {
    const { trace, out } = hop({ traceparent: `00-${T128}-${S}-01`, tracestate: 'congo=t61rcWkgMzE' });
    expect(trace.span.traceId).toBe(T128);
    expect(trace.span.parentSpanId).toBe(S);
    expect(trace.span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.span.spanId).not.toBe(S);
    expect(out.traceparent).toBe(`00-${T128}-${trace.span.spanId}-01`);
    expect(out.tracestate).toBe('congo=t61rcWkgMzE');
    expect(out.b3).toBeUndefined();
    expect(out['x-b3-traceid']).toBeUndefined();
  });

  it.each([
    ['sampled flag 01 wins over a zero sampling rate', '01', never, true],
    ['sampled flag 00 wins over sampling rate 1', '00', always, false],
    ['other flag bits are ignored (09 = sampled)', '09', never, true],
  ])('%s', (_name, flags, sampling, sampled) => {
    const { trace, out } = hop({ traceparent: `00-${T128}-${S}-${flags}` }, sampling);
    expect(trace.span.sampled).toBe(sampled);
    expect(trace.span.traceId).toBe(T128);
    expect(out.traceparent).toBe(`00-${T128}-${trace.span.spanId}-${sampled ? '01' : '00'}`);
  });

  it('accepts a future version with extra fields', () => {
    const { trace } = hop({ traceparent: `cc-${T128}-${S}-01-what-the-future-will-be` });
    expect(trace.span.traceId).toBe(T128);
    expect(trace.span.parentSpanId).toBe(S);
  });

  it.each([
    ['uppercase hex', `00-${T128.toUpperCase()}-${S}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${S}-01`],
    ['all-zero span id', `00-${T128}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${T128}-${S}-01`],
    ['version 00 with a trailing field', `00-${T128}-${S}-01-extra`],
    ['short trace id', `00-${T128.slice(2)}-${S}-01`],
    ['non-hex flags', `00-${T128}-${S}-0g`],
    ['garbage', 'not a traceparent'],
    ['empty', ''],
    ['missing flags', `00-${T128}-${S}`],
    ['two differing headers', [`00-${T128}-${S}-01`, `00-${T128}-${P}-01`]],
  ])('starts a new trace on an invalid traceparent: %s', (_name, value) => {
    const { trace, out } = hop({ traceparent: value, tracestate: 'a=b' });
    expect(trace.span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.span.traceId).not.toBe(T128);
    expect(trace.span.parentSpanId).toBeUndefined();
    expect(out.traceparent).toBe(`00-${trace.span.traceId}-${trace.span.spanId}-01`);
    // tracestate belongs to the discarded trace
    expect(out.tracestate).toBeUndefined();
  });

  it('joins repeated tracestate headers and drops a malformed one', () => {
    expect(hop({ traceparent: `00-${T128}-${S}-01`, tracestate: ['a=1', 'b=2'] }).out.tracestate).toBe('a=1,b=2');
    expect(hop({ traceparent: `00-${T128}-${S}-01`, tracestate: 'no-equals-sign' }).out.tracestate).toBeUndefined();
    expect(hop({ traceparent: `00-${T128}-${S}-01`, tracestate: 'x=1\x01' }).out.tracestate).toBeUndefined();
  });
});

describe('new traces', () => {
  it('starts a trace when no headers arrive, sampled per the rate', () => {
    const sampledIn = hop({}, { samplingRate: 0.3, random: () => 0.29 });
    const notIn = hop({}, { samplingRate: 0.3, random: () => 0.3 });
    expect(sampledIn.trace.span.sampled).toBe(true);
    expect(notIn.trace.span.sampled).toBe(false);
    expect(notIn.out.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(Object.keys(sampledIn.out).sort()).toEqual(['traceparent', 'x-request-id']);
  });

  it('gives each hop a different span id', () => {
    const ids = new Set(Array.from({ length: 200 }, () => hop({}).trace.span.spanId));
    expect(ids.size).toBe(200);
  });
});

describe('x-request-id', () => {
  it('keeps a valid incoming id and creates a UUID v4 otherwise', () => {
    expect(hop({ 'x-request-id': 'abc-123' }).out['x-request-id']).toBe('abc-123');
    const created = hop({}).out['x-request-id'];
    expect(created).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(hop({ 'x-request-id': 'has space' }).out['x-request-id']).not.toBe('has space');
    expect(hop({ 'x-request-id': 'x'.repeat(201) }).out['x-request-id']).toHaveLength(36);
  });
});

describe('B3', () => {
  it.each([
    ['128-bit, sampled, with parent', `${T128}-${S}-1-${P}`, T128, true],
    ['64-bit trace id', `${T64}-${S}-1`, T64, true],
    ['not sampled', `${T128}-${S}-0`, T128, false],
    ['debug', `${T128}-${S}-d`, T128, true],
  ])('single header: %s', (_name, b3, traceId, sampled) => {
    const { trace, out } = hop({ b3 }, sampled ? never : always);
    expect(trace.span.traceId).toBe(traceId);
    expect(trace.span.parentSpanId).toBe(S);
    expect(trace.span.sampled).toBe(sampled);
    const flag = b3.split('-')[2];
    expect(out.b3).toBe(`${traceId}-${trace.span.spanId}-${flag}-${S}`);
    expect(out.traceparent).toBe(`00-${traceId.padStart(32, '0')}-${trace.span.spanId}-${sampled ? '01' : '00'}`);
    expect(out['x-b3-traceid']).toBeUndefined();
  });

  it('single header without a sampling flag leaves the decision to the sampling rate', () => {
    expect(hop({ b3: `${T128}-${S}` }, never).trace.span.sampled).toBe(false);
    expect(hop({ b3: `${T128}-${S}` }, always).trace.span.sampled).toBe(true);
  });

  it('single header with only a sampling decision starts a trace with that decision', () => {
    const { trace, out } = hop({ b3: '0' }, always);
    expect(trace.span.sampled).toBe(false);
    expect(trace.span.parentSpanId).toBeUndefined();
    expect(out.b3).toBe(`${trace.span.traceId}-${trace.span.spanId}-0`);
    expect(hop({ b3: 'd' }, never).trace.span.debug).toBe(true);
  });

  it.each([
    ['bad trace id length', `${T128.slice(1)}-${S}-1`],
    ['bad sampling flag', `${T128}-${S}-x`],
    ['bad parent', `${T128}-${S}-1-xyz`],
    ['too many fields', `${T128}-${S}-1-${P}-${P}`],
    ['zero span id', `${T128}-${'0'.repeat(16)}-1`],
  ])('single header, invalid (%s): new trace', (_name, b3) => {
    const { trace, out } = hop({ b3 });
    expect(trace.span.traceId).not.toBe(T128);
    expect(trace.span.parentSpanId).toBeUndefined();
    expect(out.b3).toBeUndefined();
  });

  it.each([
    ['128-bit sampled', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-parentspanid': P, 'x-b3-sampled': '1' }, T128, true, false],
    ['64-bit not sampled', { 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-sampled': '0' }, T64, false, false],
    ['legacy true', { 'x-b3-traceid': T64, 'x-b3-spanid': S, 'x-b3-sampled': 'true' }, T64, true, false],
    ['debug flag', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-flags': '1' }, T128, true, true],
  ])('multi headers: %s', (_name, headers: Headers, traceId, sampled, debug) => {
    const { trace, out } = hop(headers, sampled ? never : always);
    expect(trace.span).toMatchObject({ traceId, parentSpanId: S, sampled, debug });
    expect(out['x-b3-traceid']).toBe(traceId);
    expect(out['x-b3-spanid']).toBe(trace.span.spanId);
    expect(out['x-b3-parentspanid']).toBe(S);
    if (debug) {
      expect(out['x-b3-flags']).toBe('1');
      expect(out['x-b3-sampled']).toBeUndefined();
    } else {
      expect(out['x-b3-sampled']).toBe(sampled ? '1' : '0');
    }
    expect(out.traceparent).toBe(`00-${traceId.padStart(32, '0')}-${trace.span.spanId}-${sampled ? '01' : '00'}`);
    expect(out.b3).toBeUndefined();
  });

  it('multi headers: only x-b3-sampled: 0 keeps the decision on a new trace', () => {
    const { trace, out } = hop({ 'x-b3-sampled': '0' }, always);
    expect(trace.span.sampled).toBe(false);
    expect(out['x-b3-sampled']).toBe('0');
    expect(out['x-b3-traceid']).toBe(trace.span.traceId);
  });

  it.each([
    ['span id missing', { 'x-b3-traceid': T128 }],
    ['bad sampled value', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-sampled': 'yes' }],
    ['bad parent', { 'x-b3-traceid': T128, 'x-b3-spanid': S, 'x-b3-parentspanid': 'zz' }],
  ])('multi headers, invalid (%s): new trace, stale headers removed', (_name, headers: Headers) => {
    const { trace, out } = hop(headers);
    expect(trace.span.traceId).not.toBe(T128);
    expect(out['x-b3-traceid']).toBeUndefined();
    expect(out['x-b3-parentspanid']).toBeUndefined();
    expect(out['x-b3-sampled']).toBeUndefined();
  });

  it('W3C wins when both formats arrive, and both are forwarded with the same ids', () => {
    const { trace, out } = hop({ traceparent: `00-${T128}-${S}-01`, b3: `${T64}-${P}-0` }, never);
    expect(trace.span).toMatchObject({ traceId: T128, parentSpanId: S, sampled: true });
    expect(out.b3).toBe(`${T128}-${trace.span.spanId}-1-${S}`);
  });

  it('leaves unrelated headers alone', () => {
    const { out } = hop({ 'x-b3-traceid': T128, 'x-b3-spanid': S, accept: 'text/plain', cookie: ['a=1', 'b=2'] });
    expect(out.accept).toBe('text/plain');
    expect(out.cookie).toEqual(['a=1', 'b=2']);
  });
});
