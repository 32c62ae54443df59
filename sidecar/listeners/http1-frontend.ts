/**
 * The HTTP/1.1 side of a listener: a node:http server fed the sniffed connections. Node's llhttp
 * parser rejects smuggling attempts (CL+TE, differing Content-Lengths, bad chunks, obs-fold, bad
 * bytes in values) before a request exists; `clientError` answers those with a clear status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { ReplayableBody, emptyBody } from '../pipeline/body.js';
import { RequestAbort } from '../pipeline/request-abort.js';
import { isGrpc } from '../protocol/headers.js';
import type { ProxyRequest, ProxyResponse } from '../pipeline/types.js';
import { errorResponse, toWeftError } from '../protocol/error-response.js';
import { newContext, runPipeline, type FrontendOptions } from './exchange.js';
import { requestIdOf } from '../pipeline/trace-context.js';
import { addForwardedFor, declaredTooLarge, http1HasBody, http1Head } from './request-head.js';
import { http1FramingError } from './framing.js';
import type { Tracker } from './tracker.js';
import type { Destination } from '../interception/original-destination.js';
import { spliceUpgrade, writeRawError, writeRawResponse } from '../protocol/upgrade.js';

export interface Http1FrontendOptions extends FrontendOptions {
  tracker: Tracker;
  maxHeaderBytes: number;
  headersTimeoutMs: number;
}

/** One client connection's requests. */
interface Connection {
  /** Requests begun and not yet answered (running or waiting their turn); drain closes connections at 0 at once. */
  busy: number;
  /** The latest request: a parse error before its body ended is its own error, not a later request's. */
  latest: IncomingMessage | undefined;
  /** Pipelined requests waiting for the one ahead of them, in order: one runs at a time. */
  queued: (() => void)[];
  /** What waits for every response in progress to be written (answers written on the raw socket). */
  idle: (() => void)[];
}

function wakeAll(waiting: (() => void)[]): void {
  for (const wake of waiting.splice(0)) wake();
}

export class Http1Frontend {
  readonly server: Server;
  /** Each open connection's requests: one map lookup per request finds all of it. */
  private readonly connections = new Map<Duplex, Connection>();
  /** Each intercepted connection's original destination, for its requests' contexts. */
  private readonly originals = new WeakMap<Socket, Destination>();

  constructor(private readonly options: Http1FrontendOptions) {
    this.server = createServer({
      maxHeaderSize: options.maxHeaderBytes,
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(options.headersTimeoutMs / 2))),
    });
    // Node tracks connections for its headers timeout only on a listening server; this one is fed
    // sniffed sockets instead, so start that tracking by hand.
    this.server.emit('listening');
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.onUpgrade(req, socket, head));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(err, socket));
    // Without a listener Node closes a CONNECT's connection without a word; say why, in order.
    this.server.on('connect', (req: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      const error = new WeftError(ErrorCodes.BAD_REQUEST, 'CONNECT tunnels are not supported', { status: 405 });
      void this.whenIdle(req.socket).then(() => writeRawError(socket, errorResponse(error, false, requestIdOf(req.headers['x-request-id']))));
    });
  }

  /** Hands a sniffed connection to the HTTP/1.1 server, with its original destination under interception. */
  accept(socket: Socket, original?: Destination): void {
    if (original) this.originals.set(socket, original);
    const connection: Connection = { busy: 0, latest: undefined, queued: [], idle: [] };
    this.connections.set(socket, connection);
    socket.once('close', () => {
      this.connections.delete(socket);
      wakeAll(connection.idle);
      // Queued pipelined requests get no 'close' of their own: each wakes, sees the socket gone and ends.
      wakeAll(connection.queued);
    });
    this.server.emit('connection', socket);
    // Sniffing paused the socket; the parser takes the put-back bytes first, then the rest.
    socket.resume();
  }

  /** Stops the headers-timeout timer. */
  close(): void {
    this.server.close();
  }

  /** Drain: idle keep-alive connections close now, busy ones after their response (Connection: close). */
  closeIdle(): void {
    for (const [socket, c] of this.connections) if (c.busy === 0) socket.end();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const done = this.options.tracker.begin();
    const socket = req.socket;
    const connection = this.connections.get(socket) ?? { busy: 0, latest: undefined, queued: [], idle: [] };
    connection.latest = req;
    const ahead = connection.busy++;
    // One abort state per request, for the client going away and the request deadline (the request
    // timeout aborts this one rather than deriving another); one close listener for both.
    const abort = new RequestAbort();
    res.once('close', () => {
      done();
      if (!res.writableFinished) abort.abort(new WeftError(ErrorCodes.BAD_REQUEST, 'client closed the connection'));
      if (--connection.busy > 0) return void connection.queued.shift()?.();
      wakeAll(connection.idle);
      if (this.options.draining()) socket.end();
    });
    if (this.options.draining()) res.setHeader('connection', 'close');
    // Pipelined: this request runs once the one ahead of it has been answered (no fan-out from one
    // connection, and side effects in request order); one whose connection closed first ends here.
    if (ahead > 0 && !(await new Promise<boolean>((resolve) => connection.queued.push(() => resolve(!socket.destroyed))))) return done();
    const grpc = isGrpc(req.headers);
    const id = requestIdOf(req.headers['x-request-id']);
    try {
      const snapshot = this.options.current();
      if (!snapshot) throw new WeftError(ErrorCodes.NOT_READY, 'no config loaded yet');
      refuseMalformed(req, res);
      if (declaredTooLarge(req.headers, snapshot.limits.maxRequestBodyBytes)) {
        throw new WeftError(ErrorCodes.BODY_TOO_LARGE, `content-length above ${snapshot.limits.maxRequestBodyBytes} bytes`);
      }
      const head = http1Head(req);
      if (this.options.direction === 'inbound') addForwardedFor(head, socket.remoteAddress);
      const body = http1HasBody(req) ? new ReplayableBody(req, { replayLimit: snapshot.replayLimit, maxBytes: snapshot.limits.maxRequestBodyBytes }) : emptyBody;
      const request: ProxyRequest = { method: head.method, authority: head.authority, path: head.path, headers: head.headers, absoluteForm: head.absoluteForm, protocol: 'http1', body };
      const response = await runPipeline(snapshot, request, newContext(this.options, abort, id, this.originals.get(req.socket), req.socket.remoteAddress));
      this.writeResponse(res, response);
    } catch (err) {
      const error = toWeftError(err);
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      // Unread body bytes would be taken for the next request: close instead of keeping alive.
      if (!req.complete) res.setHeader('connection', 'close');
      const out = errorResponse(error, grpc, id);
      res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
      res.end(out.body);
    }
  }

  /**
   * Resolves once every response in progress on the connection has been written (or it closed).
   * Anything the frontend writes on the raw socket waits for this, so answers go out in request
   * order (RFC 9112 9.3.2): a pipelined request's error or an upgrade never overtakes, or gets
   * mixed into, the response to an earlier request.
   */
  private whenIdle(socket: Duplex): Promise<void> {
    const connection = this.connections.get(socket);
    if (!connection || connection.busy === 0) return Promise.resolve();
    return new Promise((resolve) => connection.idle.push(resolve));
  }

  private writeResponse(res: ServerResponse, response: ProxyResponse): void {
    const body = response.body;
    if (res.destroyed) {
      body.destroy();
      return;
    }
    res.writeHead(response.status, response.headers);
    res.once('close', () => {
      if (!body.readableEnded) body.destroy();
    });
    body.once('error', () => res.destroy());
    body.pipe(res, { end: false });
    body.once('end', () => {
      const trailers = response.trailers;
      if (!trailers) return void res.end();
      // Trailers arrive with the end of the body; one already settled is sent, a late one is not waited for.
      void Promise.race([trailers, undefined]).then((t) => {
        if (t && Object.keys(t).length > 0) res.addTrailers(t);
        res.end();
      });
    });
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const done = this.options.tracker.begin();
    socket.once('close', done);
    const abort = new RequestAbort();
    socket.once('close', () => abort.abort(new WeftError(ErrorCodes.BAD_REQUEST, 'client closed the connection')));
    socket.on('error', () => socket.destroy());
    const id = requestIdOf(req.headers['x-request-id']);
    try {
      // The upgrade's answer goes on the raw socket: not before the responses to earlier requests.
      await this.whenIdle(req.socket);
      const snapshot = this.options.current();
      if (!snapshot) throw new WeftError(ErrorCodes.NOT_READY, 'no config loaded yet');
      refuseMalformed(req);
      const request: ProxyRequest = { ...http1Head(req), protocol: 'http1', body: emptyBody, upgrade: upgradeToForward(req) };
      if (this.options.direction === 'inbound') addForwardedFor(request, req.socket.remoteAddress);
      const response = await runPipeline(snapshot, request, newContext(this.options, abort, id, this.originals.get(req.socket), req.socket.remoteAddress));
      if (response.upgraded) spliceUpgrade(socket, head, request.upgrade ?? '', response);
      else writeRawResponse(socket, response);
    } catch (err) {
      writeRawError(socket, errorResponse(toWeftError(err), false, id));
    }
  }

  private onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const error =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new WeftError(ErrorCodes.HEADERS_TOO_LARGE, 'request headers too large')
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? new WeftError(ErrorCodes.BAD_REQUEST, 'request headers not received in time', { status: 408 })
          : new WeftError(ErrorCodes.BAD_REQUEST, `malformed request (${err.code ?? 'parse error'})`);
    this.options.log.debug({ code: err.code, reason: err.message }, 'rejected malformed request');
    const out = errorResponse(error, false);
    // An error in the body of the request in progress is that request's answer, now. Otherwise it is
    // a pipelined request that failed to parse: answered after the requests before it.
    if (this.connections.get(socket)?.latest?.complete === false) return writeRawError(socket, out);
    void this.whenIdle(socket).then(() => writeRawError(socket, out));
  }
}

/** A request a strict proxy refuses (framing.ts): 400, and the connection closes after it. */
function refuseMalformed(req: IncomingMessage, res?: ServerResponse): void {
  const bad = http1FramingError(req);
  if (!bad) return;
  res?.setHeader('connection', 'close');
  throw new WeftError(ErrorCodes.BAD_REQUEST, `malformed request: ${bad}`);
}

/**
 * The protocol an Upgrade request is forwarded with, or undefined to answer it as a plain request.
 * `h2c` is never forwarded: after the upstream's 101 the client would speak HTTP/2 straight to that
 * endpoint, every later request bypassing routing and policies (h2c smuggling); RFC 9113 retired
 * the mechanism, and a client offering it takes an HTTP/1.1 answer. Its body would be in the bytes
 * after the head, which an upgrade does not read: such a request is refused.
 */
function upgradeToForward(req: IncomingMessage): string | undefined {
  const upgrade = String(req.headers.upgrade ?? '');
  if (!upgrade.split(',').some((p) => p.trim().toLowerCase() === 'h2c')) return upgrade;
  if (http1HasBody(req)) throw new WeftError(ErrorCodes.BAD_REQUEST, 'an h2c upgrade with a request body is not supported');
  return undefined;
}
