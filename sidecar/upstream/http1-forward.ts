/** Sends one request over HTTP/1.1 to an endpoint, streaming both bodies; also carries Upgrade (WebSocket) handshakes. */
import { request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { endToEndResponseHeaders } from '../protocol/headers.js';
import type { Headers, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { upstreamError } from './errors.js';
import type { Http1Pool } from './http1-pool.js';
import { sendBody } from './send-body.js';

export interface UpstreamAddress {
  address: string;
  port: number;
  connectMs: number;
}

export function forwardHttp1(pool: Http1Pool, to: UpstreamAddress, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  const where = `${to.address}:${to.port}`;
  return new Promise<ProxyResponse>((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...withoutTe(req.headers), host: req.authority };
    if (req.upgrade) Object.assign(headers, { connection: 'upgrade', upgrade: req.upgrade });
    const upstream = request({
      host: to.address,
      port: to.port,
      method: req.method,
      path: req.path,
      headers,
      setHost: false,
      // Upgraded connections leave the pool, so they get a connection of their own.
      agent: req.upgrade ? false : pool.agentFor(to.address, to.port),
    });
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      upstream.destroy();
      reject(upstreamError(err, where));
    };
    const onAbort = (): void => fail(ctx.signal.reason ?? new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let connectTimer: { cancel(): void } | undefined;
    const cleanup = (): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      connectTimer?.cancel();
    };
    if (ctx.signal.aborted) return onAbort();

    upstream.on('socket', (socket: Socket) => {
      if (!socket.connecting || to.connectMs <= 0) return;
      connectTimer = ctx.clock.setTimeout(
        () => fail(new WeftError(ErrorCodes.CONNECT_TIMEOUT, `connect to ${where} took longer than ${to.connectMs} ms`)),
        to.connectMs,
      );
      socket.once('connect', () => connectTimer?.cancel());
    });
    upstream.on('error', fail);
    upstream.on('response', (res: IncomingMessage) => {
      if (settled) return res.destroy();
      settled = true;
      cleanup();
      resolve({
        status: res.statusCode ?? 502,
        headers: endToEndResponseHeaders(res.headersDistinct),
        body: res,
        trailers: new Promise<Headers>((done) => res.once('end', () => done(endToEndResponseHeaders(res.trailersDistinct)))),
      });
    });
    upstream.on('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      if (settled) return socket.destroy();
      settled = true;
      cleanup();
      resolve({ status: 101, headers: endToEndResponseHeaders(res.headersDistinct), body: Readable.from([]), upgraded: { socket, head } });
    });

    sendBody(req.body, upstream, fail);
  });
}

/** TE: trailers is an HTTP/2 (gRPC) signal; on HTTP/1.1 it would have to be listed in Connection. */
function withoutTe(headers: Headers): Headers {
  if (!('te' in headers)) return headers;
  const { te: _te, ...rest } = headers;
  return rest;
}
