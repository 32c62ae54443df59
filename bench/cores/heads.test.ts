import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Served } from './core.js';
import { parseHead, serveHeadsCore } from './heads.js';

describe('parseHead', () => {
  it('keeps end-to-end headers and the body length, drops hop-by-hop ones and those Connection names', () => {
    const head = parseHead('GET /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Drop\r\nX-Drop: 1\r\nKeep-Alive: 5\r\nContent-Length: 3\r\nX-Keep:  v ');
    expect(head).toEqual({ start: 'GET /a HTTP/1.1', lines: ['host: x', 'x-keep: v'], length: 3 });
  });

  it.each([
    ['a repeated content-length', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1', /content-length/],
    ['a content-length that is not a number', 'POST / HTTP/1.1\r\nContent-Length: 1x', /content-length/],
    ['chunked bodies', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked', /transfer-encoding/],
    ['space before the colon', 'GET / HTTP/1.1\r\nHost : x', /malformed/],
    ['a folded line', 'GET / HTTP/1.1\r\nX: a\r\n b', /malformed/],
  ])('refuses %s', (_name, text, message) => {
    expect(parseHead(text)).toMatch(message);
  });
});

describe('the head-only core', () => {
  let upstream: Server;
  let core: Served;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const text = `${req.method} ${req.url} ${req.headers['x-drop'] ?? '-'} ${body}`;
        res.writeHead(200, { 'content-length': Buffer.byteLength(text), 'x-upstream': 'yes' }).end(text);
      });
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    core = await serveHeadsCore({ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port });
  });
  afterAll(async () => {
    await core.close();
    upstream.close();
  });

  /** Whole responses in `text`: each head followed by its Content-Length of body. */
  function complete(text: string): number {
    let count = 0;
    for (let at = 0; at < text.length; count++) {
      const end = text.indexOf('\r\n\r\n', at);
      if (end < 0) break;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(at, end))?.[1] ?? 0);
      if (text.length < end + 4 + length) break;
      at = end + 4 + length;
    }
    return count;
  }

  /** Write raw bytes on one connection and read until `responses` whole responses arrived. */
  async function raw(port: number, text: string, responses: number): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    socket.write(text);
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
    await expect.poll(() => complete(got), { timeout: 5000 }).toBe(responses);
    socket.destroy();
    return got;
  }

  it('forwards requests with and without a body, pipelined on one connection, in order', async () => {
    const got = await raw(
      core.port,
      'GET /one HTTP/1.1\r\nHost: a\r\nConnection: X-Drop\r\nX-Drop: 1\r\n\r\nPOST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /three HTTP/1.1\r\nHost: a\r\n\r\n',
      3,
    );
    const bodies = got.split(/HTTP\/1\.1 200 OK\r\n/).slice(1).map((r) => r.slice(r.indexOf('\r\n\r\n') + 4));
    expect(bodies).toEqual(['GET /one - ', 'POST /two - hello', 'GET /three - ']);
    expect(got).toContain('x-upstream: yes');
  });

  it('answers 400 to a malformed request and 502 when the upstream is gone', async () => {
    expect(await raw(core.port, 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 1)).toMatch(/^HTTP\/1\.1 400 [^]*malformed/);
    const dead = createServer();
    dead.listen(0, '127.0.0.1');
    await once(dead, 'listening');
    const port = (dead.address() as AddressInfo).port;
    dead.close();
    const lonely = await serveHeadsCore({ host: '127.0.0.1', port });
    try {
      expect(await raw(lonely.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 1)).toMatch(/^HTTP\/1\.1 502 /);
    } finally {
      await lonely.close();
    }
  });
});
