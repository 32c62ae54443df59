/** Hand-built requests, responses and contexts for testing a layer without a listener. */
import { Readable } from 'node:stream';
import type { Clock } from '../../common/clock.js';
import { silentLogger, type Logger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestBody, RequestContext } from '../pipeline/types.js';

/** A request body from fixed chunks; replayable, as a small fully-received body is. */
export function bodyOf(chunks: (string | Buffer)[] = []): RequestBody {
  const buffers = chunks.map((c) => Buffer.from(c));
  return { open: () => Readable.from(buffers), replayable: true, empty: buffers.length === 0 };
}

export function fakeRequest(overrides: Partial<ProxyRequest> = {}): ProxyRequest {
  return { method: 'GET', authority: 'reviews:9080', path: '/reviews/1', headers: {}, protocol: 'http1', body: bodyOf(), ...overrides };
}

/** A response whose body is the given chunks, pushed as the consumer reads. */
export function fakeResponse(status = 200, chunks: (string | Buffer)[] = [], headers: Headers = {}, trailers?: Headers): ProxyResponse {
  const res: ProxyResponse = { status, headers, body: Readable.from(chunks.map((c) => Buffer.from(c))) };
  if (trailers) res.trailers = Promise.resolve(trailers);
  return res;
}

export function fakeContext(overrides: Partial<RequestContext> & { clock?: Clock; log?: Logger } = {}): RequestContext {
  const clock = overrides.clock ?? new FakeClock();
  return {
    id: 'req-1',
    direction: 'outbound',
    log: silentLogger,
    signal: new AbortController().signal,
    attempt: 0,
    stats: { retries: 0, startedAt: clock.now() },
    ...overrides,
    clock,
  };
}

/** Read a response body to its end, as the listener would. */
export async function drain(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts);
}
