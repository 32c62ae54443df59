import { describe, expect, it } from 'vitest';
import { WeftError } from '../../common/errors.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import type { Handler } from '../pipeline/types.js';
import { bodyOf, drain, fakeContext, fakeRequest, fakeResponse } from '../testing/request-fixtures.js';
import { captureLog as capture } from '../testing/log-capture.js';
import { tracingLayer } from './tracing-layer.js';
import { accessLogLayer } from './access-log.js';
import { compose } from '../pipeline/types.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('accessLogLayer', () => {
  it('writes one line per request with ids, timing, bytes and upstream once the body ends', async () => {
    const { lines, log } = capture();
    const clock = new FakeClock();
    const next: Handler = async (req, ctx) => {
      await drain(req.body.open());
      ctx.stats.upstream = '10.0.0.7:9080';
      ctx.stats.retries = 1;
      await clock.advance(12.5);
      return fakeResponse(200, ['hello world']);
    };
    const handler = compose([tracingLayer({ samplingRate: 1 }), accessLogLayer({ config: { enabled: true, sampleRate: 1 }, log })], next);
    const ctx = fakeContext({ clock });
    const res = await handler(fakeRequest({ method: 'PUT', body: bodyOf(['1234']), headers: { 'x-request-id': 'rid-9' } }), ctx);
    expect(lines).toHaveLength(0);
    await drain(res.body);
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'access',
      requestId: 'rid-9',
      traceId: ctx.trace!.span.traceId,
      direction: 'outbound',
      method: 'PUT',
      authority: 'reviews:9080',
      path: '/reviews/1',
      status: 200,
      durationMs: 12.5,
      requestBytes: 4,
      responseBytes: 11,
      service: 'passthrough',
      upstream: '10.0.0.7:9080',
      retries: 1,
    });
    expect(typeof lines[0]!.time).toBe('number');
    expect(lines[0]!.errorCode).toBeUndefined();
  });

  it('logs a failed request with its error code', async () => {
    const { lines, log } = capture();
    const handler = accessLogLayer({ config: { enabled: true, sampleRate: 1 }, log })(async () => {
      throw new WeftError('WEFT_RATE_LIMITED', 'slow down');
    });
    await expect(handler(fakeRequest(), fakeContext())).rejects.toThrow('slow down');
    expect(lines[0]).toMatchObject({ status: 429, errorCode: 'WEFT_RATE_LIMITED', requestId: 'req-1' });
  });

  it('is off when disabled and samples by sampleRate', async () => {
    const { lines, log } = capture();
    const next: Handler = async () => fakeResponse(204);
    const run = async (layer: ReturnType<typeof accessLogLayer>): Promise<void> => {
      const res = await layer(next)(fakeRequest(), fakeContext());
      await drain(res.body);
      await settle();
    };
    await run(accessLogLayer({ config: { enabled: false, sampleRate: 1 }, log }));
    expect(lines).toHaveLength(0);
    const draws = [0.05, 0.5, 0.09, 0.99];
    const sampled = accessLogLayer({ config: { enabled: true, sampleRate: 0.1 }, log, random: () => draws.shift()! });
    for (let i = 0; i < 4; i++) await run(sampled);
    expect(lines).toHaveLength(2);
  });

  it('bounds the logged path', async () => {
    const { lines, log } = capture();
    const res = await accessLogLayer({ config: { enabled: true, sampleRate: 1 }, log })(async () => fakeResponse(200))(fakeRequest({ path: `/${'a'.repeat(5000)}` }), fakeContext());
    await drain(res.body);
    await settle();
    expect((lines[0]!.path as string).length).toBe(1027);
  });
});
