/** A trace collector stand-in on loopback port 0: records each JSON POST and tracks its sockets. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CollectedPost {
  path: string;
  contentType: string;
  body: unknown;
}

export interface TraceCollector {
  port: number;
  url(path: string): string;
  received: CollectedPost[];
  /** Resolves once `n` posts have arrived. */
  until(n: number): Promise<void>;
  /** Resolves once every connection to it has closed (a leak leaves this pending). */
  allClosed(): Promise<void>;
  openSockets(): number;
  close(): Promise<void>;
}

/** Answers every POST with `status`, or never answers when `answer` is false. */
export async function startTraceCollector(status = 202, answer = true): Promise<TraceCollector> {
  const received: CollectedPost[] = [];
  const waiters: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const socketsGone: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: JSON.parse(text) });
      waiters.splice(0).forEach((w) => w());
      if (answer) res.writeHead(status).end();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) socketsGone.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const until = (n: number): Promise<void> => (received.length >= n ? Promise.resolve() : new Promise((r) => waiters.push(() => void until(n).then(r))));
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    until,
    allClosed: () => (sockets.size === 0 ? Promise.resolve() : new Promise((r) => socketsGone.push(r))),
    openSockets: () => sockets.size,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
