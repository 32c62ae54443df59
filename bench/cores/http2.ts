/**
 * The HTTP/2 forwarding core: a node:http2 server whose streams go out as streams of one node:http2
 * client session to the upstream, bodies piped, trailers passed. Node's own HTTP/2 floor, which the
 * sidecar's gRPC hop is measured against; it has no routing, policy or pool beyond one session.
 */
import { connect, constants, createServer, type ClientHttp2Session, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { listenOnLoopback, type Served, type Upstream } from './core.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);

/** Headers to pass on: no pseudo-headers, no hop-by-hop ones; TE only as "trailers" (gRPC sends it). */
function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 || HOP_BY_HOP.has(name)) continue;
    if (name === 'te' && headers[name] !== 'trailers') continue;
    out[name] = headers[name];
  }
  return out;
}

export type ServedHttp2Core = Served;

export async function serveHttp2Core(upstream: Upstream, port = 0): Promise<ServedHttp2Core> {
  let session: ClientHttp2Session | undefined;
  const upstreamSession = (): ClientHttp2Session => {
    if (session && !session.closed && !session.destroyed) return session;
    const fresh = connect(`http://${upstream.host}:${upstream.port}`);
    fresh.on('error', () => undefined);
    fresh.once('close', () => {
      if (session === fresh) session = undefined;
    });
    session = fresh;
    return fresh;
  };
  const server = createServer();
  const sessions = new Set<Http2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number) => {
    const ended = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    const out = endToEnd(headers);
    out[':method'] = headers[':method'];
    out[':path'] = headers[':path'];
    out[':authority'] = headers[':authority'];
    out[':scheme'] = 'http';
    const upstreamStream = upstreamSession().request(out, { endStream: ended });
    stream.on('error', () => undefined);
    stream.once('close', () => {
      if (!upstreamStream.closed) upstreamStream.close(constants.NGHTTP2_CANCEL);
    });
    upstreamStream.on('error', () => {
      if (stream.closed) return;
      if (stream.headersSent) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      else stream.respond({ ':status': 502 }, { endStream: true });
    });
    let trailers: OutgoingHttpHeaders = {};
    upstreamStream.once('trailers', (t: IncomingHttpHeaders) => (trailers = endToEnd(t)));
    upstreamStream.once('response', (head: IncomingHttpHeaders) => {
      if (stream.closed) return;
      const status = head[':status'] ?? 502;
      // gRPC trailers-only (an error status and no message): the one HEADERS frame ends the stream.
      if (head['grpc-status'] !== undefined) {
        stream.respond({ ...endToEnd(head), ':status': status }, { endStream: true });
        upstreamStream.resume();
        return;
      }
      stream.respond({ ...endToEnd(head), ':status': status }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers(trailers));
      upstreamStream.pipe(stream);
    });
    if (!ended) stream.pipe(upstreamStream);
  });
  return listenOnLoopback(server, port, () => {
    for (const s of sessions) s.destroy();
    session?.destroy();
  });
}
