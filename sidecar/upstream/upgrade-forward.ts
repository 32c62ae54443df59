/** Carries an HTTP/1.1 Upgrade (WebSocket) handshake to an endpoint on a connection of its own. */
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { endToEndResponseHeaders } from '../protocol/headers.js';
import type { ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { upstreamError } from './errors.js';
import type { UpstreamAddress } from './http1-forward.js';
import { idleError } from './idle.js';

export function forwardUpgrade(to: UpstreamAddress, req: ProxyRequest, ctx: RequestContext): Promise<ProxyResponse> {
  const where = `${to.address}:${to.port}`;
  return new Promise<ProxyResponse>((resolve, reject) => {
    const upstream = request({
      host: to.address,
      port: to.port,
      method: req.method,
      path: req.path,
      headers: { ...req.headers, host: req.authority, connection: 'upgrade', upgrade: req.upgrade },
      setHost: false,
      agent: false,
      timeout: to.connectMs > 0 ? to.connectMs : undefined,
    });
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      upstream.destroy();
      reject(upstreamError(err, where));
    };
    const onAbort = (): void => fail(ctx.signal.reason ?? new WeftError(ErrorCodes.UPSTREAM_RESET, 'request aborted'));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) return onAbort();
    let connected = false;
    upstream.once('socket', (socket: Socket) =>
      socket.once('connect', () => {
        connected = true;
        // Connected: the socket timer now watches for silence while the handshake is answered.
        upstream.setTimeout(to.idleMs);
      }),
    );
    upstream.on('timeout', () => {
      if (settled) return;
      if (connected) to.onIdle?.();
      fail(connected ? idleError(to.idleMs, where) : new WeftError(ErrorCodes.CONNECT_TIMEOUT, `connect to ${where} took longer than ${to.connectMs} ms`));
    });
    upstream.on('error', fail);
    const settle = (res: ProxyResponse): void => {
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(res);
    };
    upstream.on('response', (res: IncomingMessage) => {
      if (settled) return res.destroy();
      settle({ status: res.statusCode ?? 502, headers: endToEndResponseHeaders(res.headersDistinct), body: res });
    });
    upstream.on('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      if (settled) return socket.destroy();
      // The tunnel's idle timeout: silence both ways closes the upstream, and the splice closes the client.
      upstream.setTimeout(0);
      if (to.idleMs > 0) {
        socket.setTimeout(to.idleMs, () => {
          to.onIdle?.();
          socket.destroy();
        });
      }
      settle({ status: 101, headers: endToEndResponseHeaders(res.headersDistinct), body: Readable.from([]), upgraded: { socket, head } });
    });
    upstream.end();
  });
}
