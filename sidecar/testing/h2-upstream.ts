/** A real HTTP/2 cleartext (h2c) upstream on 127.0.0.1:0 that answers with its own name and counts sessions. */
import { createServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface H2Upstream {
  port: number;
  name: string;
  requests: IncomingHttpHeaders[];
  sessions: { total: number; open: () => number };
  close(): Promise<void>;
}

export async function startH2Upstream(name: string, onStream?: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): Promise<H2Upstream> {
  const requests: IncomingHttpHeaders[] = [];
  const open = new Set<Http2Session>();
  const sessions = { total: 0, open: () => open.size };
  const server = createServer();
  server.on('session', (s: Http2Session) => {
    sessions.total++;
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  server.on('stream', (stream, headers) => {
    requests.push(headers);
    if (onStream) return onStream(stream, headers);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'x-upstream': name }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'x-trailer': `from-${name}` }));
      stream.end(JSON.stringify({ name, path: headers[':path'], body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    name,
    requests,
    sessions,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
