/**
 * Counts a request's body bytes and watches its response body to the end, once per request however
 * many observe layers ask, so metrics, access logs and spans agree on bytes and end time.
 */
import type { Readable } from 'node:stream';
import type { Headers, ProxyRequest, ProxyResponse, RequestBody, RequestContext } from '../pipeline/types.js';
import { onBodyDone } from '../pipeline/response-body.js';

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

/**
 * Kept on the context itself: a WeakMap keyed by a per-request object costs an identity hash, an
 * ephemeron-table entry and its clearing by the next scavenge for every request.
 */
const meterKey = Symbol('weft.meter');
type Metered = RequestContext & { [meterKey]?: Meter };

function meterOf(ctx: Metered): Meter {
  return (ctx[meterKey] ??= { requestBytes: 0 });
}

/** The request with a body that counts the bytes of its first (live) read; retries replay a copy. */
export function meterRequest(req: ProxyRequest, ctx: RequestContext): ProxyRequest {
  const m = meterOf(ctx);
  if (req.body.empty || req.body instanceof CountingBody) return req;
  return { ...req, body: new CountingBody(req.body, (n) => (m.requestBytes += n)) };
}

export function requestBytes(ctx: RequestContext): number {
  return (ctx as Metered)[meterKey]?.requestBytes ?? 0;
}

/** Resolves when the response body has ended or failed; later calls for the same request share the result. */
export function meterResponse(res: ProxyResponse, ctx: RequestContext): Promise<ResponseOutcome> {
  const m = meterOf(ctx);
  m.response ??= watch(res, ctx);
  return m.response;
}

function watch(res: ProxyResponse, ctx: RequestContext): Promise<ResponseOutcome> {
  let bytes = 0;
  countPushes(res.body, (n) => (bytes += n));
  return new Promise((resolve) => {
    onBodyDone(res.body, (err) => {
      const endedAt = ctx.clock.now();
      const done = (trailers?: Headers): void =>
        resolve({ bytes, endedAt, error: err, grpcStatus: grpcStatus(trailers) ?? grpcStatus(res.headers) });
      if (err || !res.trailers) done();
      else res.trailers.then(done, () => done());
    });
  });
}

/**
 * Count the bytes a readable's source pushes into it. Every Readable (an IncomingMessage, an
 * HTTP/2 stream, Readable.from) receives its data through `push`, so wrapping that one method of
 * this instance counts the body without a pass-through stream, which costs several times more per
 * request (measured in docs/decisions/0401-metric-labels.md). What the source pushed is what the
 * client got unless the client went away early, and then the body ends with an error anyway.
 */
function countPushes(body: Readable, onBytes: (n: number) => void): void {
  // Bytes the source pushed before we got the stream are waiting in its buffer.
  if (!body.readableObjectMode && body.readableLength > 0) onBytes(body.readableLength);
  const push = body.push;
  body.push = function countingPush(this: Readable, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (typeof chunk === 'string') onBytes(Buffer.byteLength(chunk, encoding));
    else if (chunk instanceof Uint8Array) onBytes(chunk.byteLength);
    return push.call(this, chunk, encoding);
  };
}

function grpcStatus(headers: Headers | undefined): string | undefined {
  const v = headers?.['grpc-status'];
  return Array.isArray(v) ? v[0] : v;
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
    countPushes(stream, this.onBytes);
    return stream;
  }
}
