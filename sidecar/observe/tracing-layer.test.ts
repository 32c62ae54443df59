import { describe, expect, it } from 'vitest';
import { WeftError } from '../../common/errors.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import type { Handler, ProxyRequest } from '../pipeline/types.js';
import { drain, fakeContext, fakeRequest, fakeResponse } from '../testing/request-fixtures.js';
import type { FinishedSpan } from './tracing/span.js';
import { tracingLayer } from './tracing-layer.js';

const T128 = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

function setup(samplingRate = 1, terminal?: Handler) {
  const spans: FinishedSpan[] = [];
  const seen: ProxyRequest[] = [];
  const clock = new FakeClock();
  const inner: Handler =
    terminal ??
    (async (req) => {
      seen.push(req);
      await clock.advance(30);
      return fakeResponse(200, ['hello']);
    });
  const handler = tracingLayer({ samplingRate, exporter: { record: (s) => spans.push(s) } })(inner);
  return { handler, spans, seen, clock };
}

describe('tracingLayer', () => {
  it('forwards trace headers, records the trace on the context and echoes x-request-id', async () => {
    const { handler, seen, clock } = setup();
    const ctx = fakeContext({ clock });
    const res = await handler(fakeRequest({ headers: { traceparent: `00-${T128}-${S}-01`, 'x-request-id': 'r-1' } }), ctx);
    expect(seen[0]!.headers.traceparent).toBe(`00-${T128}-${ctx.trace!.span.spanId}-01`);
    expect(ctx.trace).toMatchObject({ requestId: 'r-1', span: { traceId: T128, parentSpanId: S } });
    expect(res.headers['x-request-id']).toBe('r-1');
  });

  it('keeps an x-request-id the upstream set on its response', async () => {
    const { handler, clock } = setup(1, async () => fakeResponse(200, [], { 'x-request-id': 'from-upstream' }));
    const res = await handler(fakeRequest(), fakeContext({ clock }));
    expect(res.headers['x-request-id']).toBe('from-upstream');
  });

  it('exports a client span once the response body has ended, timed to the end of the body', async () => {
    const { handler, spans, clock } = setup();
    const ctx = fakeContext({ clock, target: undefined });
    const res = await handler(fakeRequest({ method: 'POST' }), ctx);
    await clock.advance(20);
    expect(spans).toHaveLength(0);
    expect((await drain(res.body)).toString()).toBe('hello');
    await new Promise((r) => setImmediate(r));
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      traceId: ctx.trace!.span.traceId,
      spanId: ctx.trace!.span.spanId,
      name: 'POST passthrough',
      kind: 'client',
      durationMs: 50,
      startMs: clock.wallNow() - 50,
      error: false,
      attributes: { 'http.method': 'POST', 'http.status_code': '200', 'weft.direction': 'outbound' },
    });
  });

  it('does not export unsampled spans', async () => {
    const { handler, spans, clock } = setup(0);
    const res = await handler(fakeRequest(), fakeContext({ clock }));
    await drain(res.body);
    await new Promise((r) => setImmediate(r));
    expect(spans).toHaveLength(0);
  });

  it('exports an error span and rethrows when the chain fails', async () => {
    const { handler, spans, clock } = setup(1, async () => {
      throw new WeftError('WEFT_CONNECT_FAILED', 'refused');
    });
    const ctx = fakeContext({ clock, direction: 'inbound' });
    await expect(handler(fakeRequest(), ctx)).rejects.toThrow('refused');
    expect(spans[0]).toMatchObject({ kind: 'server', error: true, attributes: { 'http.status_code': '503', 'weft.error_code': 'WEFT_CONNECT_FAILED' } });
  });
});

describe('tracingLayer request ids', () => {
  it("uses the context's id when the caller sent none, so a request has one id", async () => {
    const { handler, seen, clock } = setup();
    const ctx = fakeContext({ clock, id: 'ctx-id-7' });
    const res = await handler(fakeRequest(), ctx);
    expect(ctx.trace?.requestId).toBe('ctx-id-7');
    expect(seen[0]!.headers['x-request-id']).toBe('ctx-id-7');
    expect(res.headers['x-request-id']).toBe('ctx-id-7');
  });
});
