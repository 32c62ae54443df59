/** Serve a forwarding core on 127.0.0.1 (port 0 unless told), as the harness and the tests run it. */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { Core, Upstream } from './core.js';

export interface ServedCore {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serveCore(core: Core, upstream: Upstream, port = 0): Promise<ServedCore> {
  const running = core(upstream);
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => running.handle(req, res));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    server,
    port: address && typeof address === 'object' ? address.port : 0,
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await running.close();
      await closed;
    },
  };
}
