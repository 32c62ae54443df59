/** A real HTTP/1.1 upstream on 127.0.0.1:0 that records what it received and counts its connections. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

export interface HttpUpstream {
  server: Server;
  port: number;
  received: Received[];
  /** Connections accepted so far, and currently open. */
  connections: { total: number; open: () => number };
  /** Replace the behaviour; the default echoes method, url and body as JSON with status 200. */
  handle(handler: UpstreamHandler): void;
  close(): Promise<void>;
}

export const echoHandler: UpstreamHandler = (req, res, body) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-upstream-port': String((req.socket.address() as AddressInfo).port) });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString() }));
};

/**
 * By default the body is read whole before the handler runs; pass `streaming` to get the handler
 * called at the headers (the body then is empty and the request stream is the handler's).
 */
export async function startHttpUpstream(handler: UpstreamHandler = echoHandler, options: { streaming?: boolean } = {}): Promise<HttpUpstream> {
  let current = handler;
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const connections = { total: 0, open: () => sockets.size };
  const server = createServer((req, res) => {
    const record = (body: Buffer): void => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      current(req, res, body);
    };
    if (options.streaming) return record(Buffer.alloc(0));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => record(Buffer.concat(chunks)));
  });
  server.on('connection', (s: Socket) => {
    connections.total++;
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    received,
    connections,
    handle: (h) => (current = h),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
