/**
 * HTTP/1.1 Upgrade (WebSocket): once the upstream answered 101, the two connections are spliced
 * and bytes pass both ways untouched. Also writes plain responses on a raw socket (a refused upgrade,
 * or an error before Node's response object exists).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Headers, ProxyResponse } from '../pipeline/types.js';
import type { ErrorResponse } from './error-response.js';

export function spliceUpgrade(client: Duplex, clientHead: Buffer, protocol: string, response: ProxyResponse): void {
  const upstream = response.upgraded!.socket;
  client.write(head(101, { ...response.headers, connection: 'Upgrade', upgrade: protocol }));
  if (response.upgraded!.head.length) client.write(response.upgraded!.head);
  if (clientHead.length) upstream.write(clientHead);
  const closeBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on('error', closeBoth);
  client.on('error', closeBoth);
  upstream.on('close', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.pipe(client);
  client.pipe(upstream);
}

/** An upstream that refused the upgrade: its answer goes back whole, then the connection closes. */
export function writeRawResponse(socket: Duplex, response: ProxyResponse): void {
  const headers: Headers = { ...response.headers, connection: 'close' };
  delete headers['content-length'];
  socket.write(head(response.status, headers));
  response.body.on('error', () => socket.destroy());
  response.body.pipe(socket);
}

export function writeRawError(socket: Duplex, error: ErrorResponse): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const headers = { ...error.headers, 'content-length': String(Buffer.byteLength(error.body)), connection: 'close' };
  socket.end(head(error.status, headers) + error.body);
  socket.once('finish', () => socket.destroy());
}

function head(status: number, headers: Headers): string {
  let out = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) out += `${name}: ${v}\r\n`;
  }
  return out + '\r\n';
}
