/** Sends one request as a stream on an endpoint's multiplexed HTTP/2 session; trailers pass through. */
import { constants, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { endToEndResponseHeaders } from '../protocol/headers.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { upstreamError } from './errors.js';
import type { UpstreamAddress } from './http1-forward.js';
import type { Http2Pool } from './http2-pool.js';
import { idleError } from './idle.js';
import { sendBody } from './send-body.js';

export function forwardHttp2(pool: Http2Pool, to: UpstreamAddress, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  const where = `${to.address}:${to.port}`;
  return new Promise<ProxyResponse>((resolve, reject) => {
    const session = pool.session(to.address, to.port, to.connectMs);
    let sessionError: unknown;
    const onSessionError = (err: unknown): void => {
      sessionError = err;
    };
    session.once('error', onSessionError);
    const headers: OutgoingHttpHeaders = {
      ...req.headers,
      [constants.HTTP2_HEADER_METHOD]: req.method,
      [constants.HTTP2_HEADER_PATH]: req.path,
      [constants.HTTP2_HEADER_AUTHORITY]: req.authority,
      [constants.HTTP2_HEADER_SCHEME]: 'http',
    };
    let settled = false;
    const stream = session.request(headers, { endStream: req.body.empty });
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      if (!stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
      // A stream cancelled because its session failed reports the session's error (connect refused).
      reject(upstreamError(sessionError ?? err, where));
    };
    const onAbort = (): void => fail(ctx.signal.reason ?? new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'));
    const cleanup = (): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      session.removeListener('error', onSessionError);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) return onAbort();

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
    stream.on('close', () => {
      if (!settled) fail(new WeftError(ErrorCodes.UPSTREAM_RESET, `stream closed with code ${stream.rstCode} before a response`));
    });
    stream.once('response', (head: IncomingHttpHeaders) => {
      if (settled) return;
      settled = true;
      cleanup();
      const trailers = new Promise<Headers>((done) => {
        stream.once('trailers', (t: IncomingHttpHeaders) => done(endToEndResponseHeaders(t)));
        stream.once('end', () => done({}));
        stream.once('close', () => done({}));
      });
      resolve({ status: Number(head[constants.HTTP2_HEADER_STATUS] ?? 502), headers: endToEndResponseHeaders(head), body: stream, trailers });
    });

    if (!req.body.empty) sendBody(req.body, stream, fail);
  });
}
