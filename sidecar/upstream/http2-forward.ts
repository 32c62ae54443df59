/** Sends one request as a stream on an endpoint's multiplexed HTTP/2 session; trailers pass through. */
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { endToEndResponseHeaders } from '../protocol/headers.js';
import { onBodyDone } from '../pipeline/response-body.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { upstreamError } from './errors.js';
import type { UpstreamAddress } from './http1-forward.js';
import type { Http2Pool } from './http2-pool.js';
import { idleError } from './idle.js';
import { sendBody } from './send-body.js';

const aborted = (): WeftError => new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted');

/**
 * Listeners per stream are kept few (docs/decisions/0270): one `close` serves both "closed before a
 * response" and the end of the exchange, the session's failure is read from the pool rather than
 * from a listener per request, and the frontend's own abort state (an EventEmitter) is watched
 * instead of making an AbortSignal.
 */
export function forwardHttp2(pool: Http2Pool, to: UpstreamAddress, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  const where = `${to.address}:${to.port}`;
  return new Promise<ProxyResponse>((resolve, reject) => {
    const session = pool.session(to.address, to.port, to.connectMs);
    const headers: OutgoingHttpHeaders = {
      ...req.headers,
      [constants.HTTP2_HEADER_METHOD]: req.method,
      [constants.HTTP2_HEADER_PATH]: req.path,
      [constants.HTTP2_HEADER_AUTHORITY]: req.authority,
      [constants.HTTP2_HEADER_SCHEME]: 'http',
    };
    let settled = false;
    const stream = session.request(headers, { endStream: req.body.empty });
    const abort = ctx.requestAbort;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      stopWatchingAbort();
      if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
      // A stream cancelled because its session failed reports the session's error (connect refused).
      reject(upstreamError(pool.failureOf(session) ?? err, where));
    };
    const onAbort = (): void => fail((abort ? abort.reason : ctx.signal.reason) ?? aborted());
    const stopWatchingAbort = (): void => {
      if (abort) abort.removeListener('abort', onAbort);
      else ctx.signal.removeEventListener('abort', onAbort);
    };
    if (abort) abort.once('abort', onAbort);
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (abort ? abort.aborted : ctx.signal.aborted) return onAbort();

    if (to.idleMs > 0) {
      // Node's stream timer counts bytes both ways. Before the response: 504; after: the stream is
      // reset, so the client sees an aborted body rather than a short one.
      stream.setTimeout(to.idleMs, () => {
        to.onIdle?.();
        if (!settled) fail(idleError(to.idleMs, where));
        else stream.destroy(idleError(to.idleMs, where));
      });
    }
    stream.on('error', fail);
    stream.once('close', () => {
      if (!settled) fail(new WeftError(ErrorCodes.UPSTREAM_RESET, `stream closed with code ${stream.rstCode} before a response`));
    });
    stream.once('response', (head: IncomingHttpHeaders) => {
      if (settled) return;
      settled = true;
      stopWatchingAbort();
      resolve({ status: Number(head[constants.HTTP2_HEADER_STATUS] ?? 502), headers: endToEndResponseHeaders(head), body: stream, trailers: trailersOf(stream) });
    });

    if (!req.body.empty) sendBody(req.body, stream, fail);
  });
}

/**
 * The response's trailers, resolved when its body is done: Node emits `trailers` before the body
 * ends, and the body's end is watched once for every layer (pipeline/response-body.ts).
 */
function trailersOf(stream: ClientHttp2Stream): Promise<Headers> {
  let received: IncomingHttpHeaders | undefined;
  stream.once('trailers', (t: IncomingHttpHeaders) => (received = t));
  return new Promise<Headers>((done) => onBodyDone(stream, () => done(received ? endToEndResponseHeaders(received) : {})));
}
