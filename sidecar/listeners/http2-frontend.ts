/**
 * The HTTP/2 (h2c, gRPC) side of a listener: node:http2's core stream API, so responses control
 * their frames (trailers-only gRPC errors, trailers after the body). Malformed frames end the
 * session with GOAWAY; they never reach the pipeline.
 */
import { constants, createServer, type ClientHttp2Stream, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import { ReplayableBody, emptyBody } from '../pipeline/body.js';
import { isGrpc } from '../protocol/headers.js';
import { relayBody } from '../protocol/h2-relay.js';
import type { Headers, ProxyRequest, ProxyResponse } from '../pipeline/types.js';
import { errorResponse, toWeftError } from '../protocol/error-response.js';
import { newContext, runPipeline, type FrontendOptions } from './exchange.js';
import { RequestAbort } from '../pipeline/request-abort.js';
import { requestIdOf } from '../pipeline/trace-context.js';
import { addForwardedFor, declaredTooLarge, http2Head } from './request-head.js';
import { http2FramingError } from './framing.js';
import type { Tracker } from './tracker.js';
import type { Destination } from '../interception/original-destination.js';

export interface Http2FrontendOptions extends FrontendOptions {
  tracker: Tracker;
  maxHeaderBytes: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients; a stream beyond it is refused by nghttp2 (RFC 9113 5.1.2). */
  maxConcurrentStreams: number;
  /** A connection with no open stream for this long is closed (slow or stuck clients, and after GOAWAY). */
  idleMs: number;
}

interface Peer {
  address: string | undefined;
  openStreams: number;
  /** The connection's original destination, under interception. */
  original: Destination | undefined;
}

const ignore = (): void => undefined;

export class Http2Frontend {
  readonly server: Http2Server;
  private readonly sessions = new Set<Http2Session>();
  /** Per connection, made once: the client's address and the streams it has open. */
  private readonly peers = new WeakMap<Http2Session, Peer>();
  private accepting: Socket | undefined;
  private acceptingOriginal: Destination | undefined;

  constructor(private readonly options: Http2FrontendOptions) {
    this.server = createServer({ maxSendHeaderBlockLength: 64 * 1024, settings: { maxHeaderListSize: options.maxHeaderBytes, maxConcurrentStreams: options.maxConcurrentStreams } });
    this.server.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      const peer: Peer = { address: this.accepting?.remoteAddress, original: this.acceptingOriginal, openStreams: 0 };
      this.peers.set(session, peer);
      // Node keeps a connection open after it sent GOAWAY for a protocol error until the client
      // closes it; an idle timer with no stream open ends those (and idle clients) from this side.
      session.setTimeout(options.idleMs, () => {
        if (peer.openStreams === 0) session.destroy();
      });
      session.on('close', () => this.sessions.delete(session));
      session.on('error', (err) => options.log.debug({ err }, 'http2 session error'));
      if (options.draining()) session.close();
    });
    this.server.on('sessionError', (err) => options.log.debug({ err }, 'http2 session error'));
    this.server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number) => void this.onStream(stream, headers, flags));
  }

  accept(socket: Socket, original?: Destination): void {
    // 'session' fires synchronously inside emit('connection'): that is where the address is recorded.
    // The session takes the socket's native handle, and feeds itself the bytes sniffing put back
    // (Node reads a socket's buffered data into a new session), so no JS stream sits in between.
    this.accepting = socket;
    this.acceptingOriginal = original;
    this.server.emit('connection', socket);
    this.accepting = undefined;
    this.acceptingOriginal = undefined;
  }

  /** Drain: GOAWAY on every session; streams in flight finish. */
  closeIdle(): void {
    for (const s of this.sessions) s.close();
  }

  private async onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number): Promise<void> {
    const done = this.options.tracker.begin();
    const peer = stream.session && this.peers.get(stream.session);
    if (peer) peer.openStreams++;
    const abort = new RequestAbort();
    // One listener for the stream's end: the tracker, the connection's open streams, and the abort.
    stream.once('close', () => {
      done();
      if (peer) peer.openStreams--;
      if (stream.rstCode !== constants.NGHTTP2_NO_ERROR || !stream.writableFinished) {
        abort.abort(new WeftError(ErrorCodes.BAD_REQUEST, 'client reset the stream'));
      }
    });
    stream.on('error', ignore);
    // A malformed request is a stream error of type PROTOCOL_ERROR (RFC 9113 8.1.1): reset, not answered.
    if (http2FramingError(headers) !== undefined) return void stream.close(constants.NGHTTP2_PROTOCOL_ERROR);
    const grpc = isGrpc(headers);
    const id = requestIdOf(headers['x-request-id']);
    try {
      const snapshot = this.options.current();
      if (!snapshot) throw new WeftError(ErrorCodes.NOT_READY, 'no config loaded yet');
      if (declaredTooLarge(headers, snapshot.limits.maxRequestBodyBytes)) {
        throw new WeftError(ErrorCodes.BODY_TOO_LARGE, `content-length above ${snapshot.limits.maxRequestBodyBytes} bytes`);
      }
      const head = http2Head(headers);
      if (this.options.direction === 'inbound') addForwardedFor(head, peer?.address);
      const ended = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      const body = ended ? emptyBody : new ReplayableBody(stream, { replayLimit: snapshot.replayLimit, maxBytes: snapshot.limits.maxRequestBodyBytes });
      const request: ProxyRequest = { ...head, protocol: 'http2', body };
      const response = await runPipeline(snapshot, request, newContext(this.options, abort, id, peer?.original, peer?.address));
      writeResponse(stream, response);
    } catch (err) {
      if (stream.destroyed || stream.closed) return;
      if (stream.headersSent) {
        stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      const out = errorResponse(toWeftError(err), grpc, id);
      if (out.trailersOnly) {
        stream.respond({ ':status': out.status, ...out.headers }, { endStream: true });
      } else {
        stream.respond({ ':status': out.status, ...out.headers });
        stream.end(out.body);
      }
    }
  }
}

function writeResponse(stream: ServerHttp2Stream, response: ProxyResponse): void {
  const body = response.body;
  if (stream.destroyed || stream.closed) {
    body.destroy();
    return;
  }
  const headers = { ':status': response.status, ...response.headers };
  // gRPC trailers-only: status in the one HEADERS frame, which ends the stream.
  if (response.headers['grpc-status'] !== undefined) {
    stream.respond(headers, { endStream: true });
    body.resume();
    return;
  }
  if (response.trailers) {
    // Trailers arrive before the body ends, so they are in hand when Node asks for them; a body
    // that ended without any sends an empty trailers frame, as before.
    let trailers: Headers | undefined;
    response.trailers.then(
      (t) => (trailers = t),
      () => undefined,
    );
    stream.respond(headers, { waitForTrailers: true });
    stream.once('wantTrailers', () => {
      if (!stream.destroyed && !stream.closed) stream.sendTrailers(trailers ?? {});
    });
  } else {
    stream.respond(headers);
  }
  stream.once('close', () => {
    if (!body.readableEnded) cancel(body);
  });
  body.once('error', () => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
  relayBody(body, stream);
}

/** An upstream HTTP/2 stream is reset with CANCEL, as the client did (gRPC reads it as cancelled); other bodies are destroyed. */
function cancel(body: Readable): void {
  const h2 = body as Partial<ClientHttp2Stream>;
  if (typeof h2.close === 'function' && h2.rstCode !== undefined) h2.close(constants.NGHTTP2_CANCEL);
  else body.destroy();
}
