/**
 * What a forwarding core is: a request handler bound to one upstream, and a way to let go of its
 * connections. All cores stream with `.pipe()` (as http-proxy does internally) so that they differ
 * only in the upstream client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Upstream {
  host: string;
  port: number;
}

export interface RunningCore {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): void | Promise<void>;
}

export type Core = (upstream: Upstream) => RunningCore;

/** Answer a failed forward with 502, or cut the connection when the response has already started. */
export function failForward(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway\n');
}
