/**
 * Counts a request's body bytes and watches its response body to the end, once per request however
 * many observe layers ask, so metrics, access logs and spans agree on bytes and end time.
 */
import { Transform, finished, pipeline, type Readable } from 'node:stream';
import type { Headers, ProxyRequest, ProxyResponse, RequestBody, RequestContext } from '../pipeline/types.js';

export interface ResponseOutcome {
  /** Response body bytes the client was sent. */
  bytes: number;
  /** clock.now() when the body ended (or failed). */
  endedAt: number;
  /** Set when the body did not complete: upstream reset, client gone. */
  error?: Error;
  /** grpc-status from the trailers (or trailers-only headers), when the response is gRPC. */
  grpcStatus?: string;
}

interface Meter {
  requestBytes: number;
  response?: Promise<ResponseOutcome>;
}

const meters = new WeakMap<RequestContext, Meter>();

function meterOf(ctx: RequestContext): Meter {
  let m = meters.get(ctx);
  if (!m) meters.set(ctx, (m = { requestBytes: 0 }));
  return m;
}

/** The request with a body that counts the bytes of its first (live) read; retries replay a copy. */
export function meterRequest(req: ProxyRequest, ctx: RequestContext): ProxyRequest {
  const m = meterOf(ctx);
  if (req.body.empty || req.body instanceof CountingBody) return req;
  return { ...req, body: new CountingBody(req.body, (n) => (m.requestBytes += n)) };
}

export function requestBytes(ctx: RequestContext): number {
  return meters.get(ctx)?.requestBytes ?? 0;
}

/**
 * Resolves when the response body has ended or failed. The first call swaps `res.body` for a
 * counting pass-through (so call it before handing the response on); later calls share the result.
 */
export function meterResponse(res: ProxyResponse, ctx: RequestContext): Promise<ResponseOutcome> {
  const m = meterOf(ctx);
  m.response ??= watch(res, ctx);
  return m.response;
}

function watch(res: ProxyResponse, ctx: RequestContext): Promise<ResponseOutcome> {
  let bytes = 0;
  const counter = counting((n) => (bytes += n));
  pipeline(res.body, counter, () => {
    // Errors surface through finished() below; pipeline only has to tear both sides down.
  });
  res.body = counter;
  return new Promise((resolve) => {
    finished(counter, (err) => {
      const endedAt = ctx.clock.now();
      const done = (trailers?: Headers): void =>
        resolve({ bytes, endedAt, error: err ?? undefined, grpcStatus: grpcStatus(trailers) ?? grpcStatus(res.headers) });
      if (err || !res.trailers) done();
      else res.trailers.then(done, () => done());
    });
  });
}

function grpcStatus(headers: Headers | undefined): string | undefined {
  const v = headers?.['grpc-status'];
  return Array.isArray(v) ? v[0] : v;
}

function counting(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}

class CountingBody implements RequestBody {
  private opened = false;

  constructor(
    private readonly inner: RequestBody,
    private readonly onBytes: (n: number) => void,
  ) {}

  get replayable(): boolean {
    return this.inner.replayable;
  }

  get empty(): boolean {
    return this.inner.empty;
  }

  open(): Readable {
    const stream = this.inner.open();
    if (this.opened) return stream;
    this.opened = true;
    const counter = counting(this.onBytes);
    pipeline(stream, counter, () => {});
    return counter;
  }
}
