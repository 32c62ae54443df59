/**
 * The byte relay: every accepted connection is piped to a connection of its own to the upstream,
 * with no HTTP parsing at all. Not a proxy weft could ship (no routing, no policy, no framing);
 * it is Node's socket floor, what any Node proxy pays before it reads a single header.
 */
import { connect, createServer, type Socket } from 'node:net';
import { listenOnLoopback, type Served, type Upstream } from './core.js';

export async function serveTcpCore(upstream: Upstream, port = 0): Promise<Served> {
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = createServer({ noDelay: true }, (client) => {
    const up = connect({ host: upstream.host, port: upstream.port, noDelay: true });
    track(client);
    track(up);
    // Either side failing or closing ends both: a relay has nothing to say back.
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.pipe(up);
    up.pipe(client);
  });
  return listenOnLoopback(server, port, () => {
    for (const s of sockets) s.destroy();
  });
}
