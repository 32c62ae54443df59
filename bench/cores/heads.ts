/**
 * The head-only core: HTTP/1.1 over plain sockets, parsing request and response heads in
 * JavaScript and relaying bodies as bytes, with a keep-alive pool of upstream sockets. Bodies must
 * have a Content-Length (or none); chunked and close-delimited messages are refused. Not a proxy
 * weft could ship as it is; it measures what a forwarder costs without node:http's message objects
 * and streams, between the byte relay (core-tcp) and the node:http cores.
 */
import { connect, createServer, type Socket } from 'node:net';
import { listenOnLoopback, type Served, type Upstream } from './core.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

export interface Head {
  /** The start line: request line or status line. */
  start: string;
  /** End-to-end headers, as `name: value` lines ready to write. */
  lines: string[];
  /** Body length in bytes (0 when there is none). */
  length: number;
}

/** Parse one head (up to the blank line); a string is an error to answer with. */
export function parseHead(text: string): Head | string {
  const rows = text.split('\r\n');
  const start = rows[0] ?? '';
  const lines: string[] = [];
  let length = 0;
  let seenLength = false;
  let named: string[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] ?? '';
    const colon = row.indexOf(':');
    if (colon <= 0 || row.charCodeAt(colon - 1) === 32 || row.charCodeAt(0) === 32 || row.charCodeAt(0) === 9) return 'malformed header line';
    const name = row.slice(0, colon).toLowerCase();
    const value = row.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (seenLength || !/^\d{1,15}$/.test(value)) return 'bad or repeated content-length';
      seenLength = true;
      length = Number(value);
      continue; // written again, from `length`, by whoever serialises the head
    } else if (name === 'transfer-encoding') return 'transfer-encoding is not relayed by this core';
    else if (name === 'connection') named = value.toLowerCase().split(',').map((s) => s.trim());
    if (HOP_BY_HOP.has(name)) continue;
    lines.push(`${name}: ${value}`);
  }
  return { start, lines: named.length ? lines.filter((l) => !named.includes(l.slice(0, l.indexOf(':')))) : lines, length };
}

/**
 * Reads one whole message at a time off a socket (head, then `length` body bytes handed on as they
 * come); after a message it holds what follows (a pipelined next request) until `next()`.
 */
class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  private bodyLeft = 0;
  private held = false;

  constructor(
    private readonly onHead: (head: Head) => void,
    private readonly onBody: (chunk: Buffer) => void,
    private readonly onError: (message: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length && !this.held) {
      if (this.bodyLeft > 0) {
        const part = data.length > this.bodyLeft ? data.subarray(0, this.bodyLeft) : data;
        this.bodyLeft -= part.length;
        data = data.subarray(part.length);
        this.held = this.bodyLeft === 0;
        this.onBody(part);
        continue;
      }
      const end = data.indexOf(HEAD_END);
      if (end < 0) {
        if (data.length > MAX_HEAD) return this.onError('head too large');
        break;
      }
      const head = parseHead(data.toString('latin1', 0, end));
      data = data.subarray(end + HEAD_END.length);
      if (typeof head === 'string') return this.onError(head);
      this.bodyLeft = head.length;
      this.held = head.length === 0;
      this.onHead(head);
    }
    this.pending = data;
  }

  /** Whether the message read last is complete (its head seen and all its body). */
  get complete(): boolean {
    return this.held;
  }

  next(): void {
    this.held = false;
    if (this.pending.length) this.push(Buffer.alloc(0));
  }
}

/** A head ready to write: start line, headers, the extra headers this core sets, the blank line. */
const serialise = (start: string, lines: string[], extra: string): string => `${start}\r\n${lines.length ? `${lines.join('\r\n')}\r\n` : ''}${extra}\r\n\r\n`;

export async function serveHeadsCore(upstream: Upstream, port = 0): Promise<Served> {
  const idle: Socket[] = [];
  const open = new Set<Socket>();

  /** One exchange on a pooled upstream socket: the response head and body go to `client`. */
  const exchange = (client: Socket, request: Head, done: () => void): ((chunk: Buffer) => void) => {
    const up = idle.pop() ?? connect({ host: upstream.host, port: upstream.port, noDelay: true });
    if (!open.has(up)) {
      open.add(up);
      up.on('error', () => up.destroy());
      up.once('close', () => {
        open.delete(up);
        const at = idle.indexOf(up);
        if (at >= 0) idle.splice(at, 1);
      });
    }
    let answered = false;
    const fail = (): void => {
      up.destroy();
      if (!answered) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 12\r\n\r\nbad gateway\n');
      else client.destroy();
    };
    const reader = new MessageReader(
      (response) => {
        answered = true;
        client.write(serialise(response.start, response.lines, `content-length: ${response.length}\r\nconnection: keep-alive`));
        if (reader.complete) finish();
      },
      (chunk) => {
        client.write(chunk);
        if (reader.complete) finish();
      },
      fail,
    );
    const onData = (chunk: Buffer): void => reader.push(chunk);
    const finish = (): void => {
      up.removeListener('data', onData);
      up.removeListener('close', fail);
      idle.push(up);
      done();
    };
    up.on('data', onData);
    up.once('close', fail);
    up.write(serialise(request.start, request.lines, `content-length: ${request.length}`));
    return (chunk) => void up.write(chunk);
  };

  const server = createServer({ noDelay: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    let sendBody: ((chunk: Buffer) => void) | undefined;
    const reader: MessageReader = new MessageReader(
      (request) => (sendBody = exchange(client, request, () => reader.next())),
      (chunk) => sendBody?.(chunk),
      (message) => client.end(`HTTP/1.1 400 Bad Request\r\ncontent-length: ${message.length + 1}\r\nconnection: close\r\n\r\n${message}\n`),
    );
    client.on('data', (chunk: Buffer) => reader.push(chunk));
  });
  return listenOnLoopback(server, port, () => {
    for (const s of open) s.destroy();
  });
}
