/** Sends one request over HTTP/1.1 to an endpoint's keep-alive pool, streaming both bodies. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { endToEndResponseHeaders } from '../protocol/headers.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { upstreamError } from './errors.js';
import type { Http1Pool } from './http1-pool.js';
import { guardBodyIdle } from './idle.js';
import { onBodyDone } from '../pipeline/response-body.js';

export interface UpstreamAddress {
  address: string;
  port: number;
  connectMs: number;
  /** No bytes either way for this long ends the stream (IDLE_TIMEOUT); 0 means none. */
  idleMs: number;
  /** The service's connection limit, also the endpoint pool's cap; 0 or absent means none. */
  maxConnections?: number;
  /** Called once when the idle timeout ended a stream (the timeouts metric, kind idle). */
  onIdle?: () => void;
}

export async function forwardHttp1(pool: Http1Pool, to: UpstreamAddress, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  const where = `${to.address}:${to.port}`;
  let body: Readable | null = null;
  try {
    if (!req.body.empty) body = req.body.open();
    if (body && to.idleMs > 0) body = guardBodyIdle(body, to.idleMs, ctx.clock, where);
  } catch (err) {
    throw upstreamError(err, where);
  }
  // A body that fails (client gone, 413) fails the try with its own error, not undici's.
  let bodyError: unknown;
  body?.once('error', (err) => (bodyError = err));
  try {
    const res = await pool.poolFor(to.address, to.port, to.connectMs, to.maxConnections).request({
      method: req.method,
      path: req.path,
      headers: { ...withoutTe(req.headers), host: req.authority },
      body,
      // The request's own abort state when this is the frontend's context: no AbortSignal is made.
      signal: ctx.requestAbort ?? ctx.signal,
      // Idle while waiting for headers (after the body went) and between body chunks; 0 turns them off.
      headersTimeout: to.idleMs,
      bodyTimeout: to.idleMs,
    });
    // undici destroys the socket and fails the body: the client sees an aborted body, never a short "complete" one.
    res.body.once('error', (err) => {
      if (upstreamError(err, where).code === ErrorCodes.IDLE_TIMEOUT) to.onIdle?.();
    });
    return { status: res.statusCode, headers: endToEndResponseHeaders(res.headers as IncomingHttpHeaders), body: res.body, trailers: trailersOf(res) };
  } catch (err) {
    const failure = bodyError
      ? upstreamError(bodyError, where)
      : ctx.signal.aborted
        ? upstreamError(ctx.signal.reason ?? new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'), where)
        : upstreamError(err, where);
    if (failure.code === ErrorCodes.IDLE_TIMEOUT) to.onIdle?.();
    throw failure;
  }
}

/**
 * Trailers travel only after a chunked body (RFC 9112 section 7.1.2): a response with a length has
 * none, and gets no promise, listener or race at its end. undici fills res.trailers before it ends
 * the body, so the promise is settled by the time the listener writing the response sees 'end'
 * (resolving it at 'close', later, made the frontend send the body without them). A body cut short
 * has none: the shared end watcher (pipeline/response-body.ts) settles the promise then.
 */
function trailersOf(res: Dispatcher.ResponseData): Promise<Headers> | undefined {
  if (res.headers['transfer-encoding'] === undefined) return undefined;
  return new Promise<Headers>((done) => {
    res.body.once('end', () => done(endToEndResponseHeaders(res.trailers as IncomingHttpHeaders)));
    onBodyDone(res.body, () => done({}));
  });
}

/** TE: trailers is an HTTP/2 (gRPC) signal; on HTTP/1.1 it would have to be listed in Connection. */
function withoutTe(headers: Headers): Headers {
  if (!('te' in headers)) return headers;
  const { te: _te, ...rest } = headers;
  return rest;
}
