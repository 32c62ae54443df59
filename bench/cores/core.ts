/**
 * What a forwarding core is: a request handler bound to one upstream, and a way to let go of its
 * connections. All cores stream with `.pipe()` (as http-proxy does internally) so that they differ
 * only in the upstream client.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export interface RunningCore {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): void | Promise<void>;
}

export type Core = (upstream: Upstream) => RunningCore;

/** A core listening on 127.0.0.1: its port, and a close that lets go of every connection. */
export interface Served {
  port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1; close stops accepting, then `letGo` drops the open connections. */
export async function listenOnLoopback(server: Server, port: number, letGo: () => void | Promise<void>): Promise<Served> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = once(server, 'close');
      server.close();
      await letGo();
      await closed;
    },
  };
}

/** Answer a failed forward with 502, or cut the connection when the response has already started. */
export function failForward(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway\n');
}
