/** Serve a forwarding core on 127.0.0.1 (port 0 unless told), as the harness and the tests run it. */
import { createServer, type Server } from 'node:http';
import { listenOnLoopback, type Core, type Served, type Upstream } from './core.js';

export interface ServedCore extends Served {
  server: Server;
}

export async function serveCore(core: Core, upstream: Upstream, port = 0): Promise<ServedCore> {
  const running = core(upstream);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => running.handle(req, res));
  const served = await listenOnLoopback(server, port, async () => {
    server.closeAllConnections();
    await running.close();
  });
  return { server, ...served };
}
