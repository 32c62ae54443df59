/** A real WebSocket echo server (`ws`) on 127.0.0.1:0, and a client helper. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface WsEcho {
  port: number;
  close(): Promise<void>;
}

export async function startWsEcho(): Promise<WsEcho> {
  const http = createServer((_req, res) => res.writeHead(426).end('websocket only'));
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws, req) => {
    ws.send(`hello ${req.headers.host}`);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** A client socket whose messages are queued from the first one (a greeting can arrive with the 101). */
export interface WsClient {
  ws: WebSocket;
  /** The next message, as a Buffer. */
  next(): Promise<Buffer>;
}

/** Connects through `proxyPort` with `host` as the Host header; resolves once open. */
export function wsConnect(proxyPort: number, host: string): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxyPort}/chat`, { headers: { host } });
    const queued: Buffer[] = [];
    const waiting: ((b: Buffer) => void)[] = [];
    ws.on('message', (data: Buffer) => {
      const w = waiting.shift();
      if (w) w(data);
      else queued.push(data);
    });
    const next = (): Promise<Buffer> => {
      const q = queued.shift();
      return q ? Promise.resolve(q) : new Promise((r) => waiting.push(r));
    };
    ws.once('open', () => resolve({ ws, next }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
  });
}
