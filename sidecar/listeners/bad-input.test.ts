import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { Sidecar } from '../sidecar.js';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream, type HttpUpstream } from '../testing/http-upstream.js';
import { rawExchange } from '../testing/raw-client.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

async function setup(limits: Record<string, unknown> = {}): Promise<{ s: Sidecar; u: HttpUpstream; port: number }> {
  const u = await h.own(startHttpUpstream());
  const s = await h.sidecar(testConfig({ services: [httpService('up', [u.port])], limits: { headersTimeout: '10s', ...limits } }));
  return { s, u, port: s.addresses().outbound.port };
}

/** Both sides let go of every connection, and the sidecar still serves a good request. */
async function expectClean(s: Sidecar, u: HttpUpstream): Promise<void> {
  expect(await settle(() => s.openConnections(), 0)).toBe(0);
  const before = u.received.length;
  expect((await ask(s.addresses().outbound.port, { host: 'up' })).status).toBe(200);
  expect(u.received.length).toBe(before + 1);
  expect(await settle(() => s.openConnections(), 0)).toBe(0);
}

const smuggling: [string, string][] = [
  ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: up\r\n\r\n'],
  ['two differing Content-Lengths', 'POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhelloGET /smuggled HTTP/1.1\r\nHost: up\r\n\r\n'],
  ['obs-fold (a header continued on the next line)', 'GET / HTTP/1.1\r\nHost: up\r\nX-Folded: a\r\n b\r\n\r\n'],
  ['NUL in a header value', 'GET / HTTP/1.1\r\nHost: up\r\nX-Bad: a\0b\r\n\r\n'],
  ['bare CR in a header value', 'GET / HTTP/1.1\r\nHost: up\r\nX-Bad: a\rb\r\n\r\n'],
  ['bare LF splitting a header value', 'GET / HTTP/1.1\r\nHost: up\r\nX-Bad: a\nTransfer-Encoding: chunked\r\n\r\n'],
  ['Transfer-Encoding that is not chunked last', 'POST / HTTP/1.1\r\nHost: up\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n'],
  ['a space before the header colon', 'GET / HTTP/1.1\r\nHost: up\r\nContent-Length : 5\r\n\r\nhello'],
];

describe('bad input on the outbound listener', () => {
  it.each(smuggling)('%s: 400 with x-weft-error, nothing forwarded, no leaked sockets', async (_name, raw) => {
    const { s, u, port } = await setup();
    const res = await rawExchange(port, raw);
    expect(res.status).toBe(400);
    expect(res.text).toContain('x-weft-error: WEFT_BAD_REQUEST');
    expect(res.closedByPeer).toBe(true);
    expect(u.received).toHaveLength(0);
    expect(u.connections.total).toBe(0);
    await expectClean(s, u);
  });

  it('bad chunk size: the upstream never receives a complete request', async () => {
    const { s, u, port } = await setup();
    const res = await rawExchange(port, 'POST / HTTP/1.1\r\nHost: up\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.closedByPeer).toBe(true);
    expect(u.received).toHaveLength(0);
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    await expectClean(s, u);
  });

  it('oversized headers: 431', async () => {
    const { s, u, port } = await setup({ maxHeaderBytes: 4096 });
    const res = await rawExchange(port, `GET / HTTP/1.1\r\nHost: up\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.text).toContain('x-weft-error: WEFT_HEADERS_TOO_LARGE');
    expect(u.connections.total).toBe(0);
    await expectClean(s, u);
  });

  it('a declared body over maxRequestBodyBytes: 413 before anything is forwarded', async () => {
    const { s, u, port } = await setup({ maxRequestBodyBytes: 1000 });
    const res = await rawExchange(port, `POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
    expect(res.status).toBe(413);
    expect(res.text).toContain('x-weft-error: WEFT_BODY_TOO_LARGE');
    expect(u.connections.total).toBe(0);
    await expectClean(s, u);
  });

  it('a chunked body growing over maxRequestBodyBytes: 413, and the upstream gets no complete request', async () => {
    const { s, u, port } = await setup({ maxRequestBodyBytes: 1000 });
    const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
    const res = await rawExchange(port, [`POST / HTTP/1.1\r\nHost: up\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n`, chunk, chunk, '0\r\n\r\n']);
    expect(res.status).toBe(413);
    expect(u.received).toHaveLength(0);
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    await expectClean(s, u);
  });

  it('slow headers (slowloris): 408 once the headers timeout passes', async () => {
    const { s, u, port } = await setup({ headersTimeout: '300ms' });
    const res = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: up\r\nX-Slow: ', { waitMs: 10_000 });
    expect(res.status).toBe(408);
    expect(res.closedByPeer).toBe(true);
    expect(u.connections.total).toBe(0);
    await expectClean(s, u);
  });

  it('a connection that never sends a byte is closed after the headers timeout', async () => {
    const { s, u, port } = await setup({ headersTimeout: '300ms' });
    const res = await rawExchange(port, [], { waitMs: 10_000 });
    expect(res.closedByPeer).toBe(true);
    expect(res.text).toBe('');
    await expectClean(s, u);
  });

  it('malformed HTTP/2 frames end that connection only', async () => {
    const { s, u, port } = await setup({ headersTimeout: '300ms' });
    const preface = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
    // A SETTINGS frame whose length (5) is not a multiple of 6: a connection error (FRAME_SIZE_ERROR).
    const badSettings = Buffer.from([0, 0, 5, 0x4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
    const res = await rawExchange(port, [preface, badSettings], { waitMs: 10_000 });
    expect(res.closedByPeer).toBe(true);
    // The server's GOAWAY frame (type 0x7) is among what came back.
    expect(Buffer.from(res.text, 'latin1').includes(Buffer.from([0x7, 0, 0, 0, 0, 0]))).toBe(true);
    expect(u.connections.total).toBe(0);
    await expectClean(s, u);
  });

  it('a client that goes away mid-body frees the upstream connection too', async () => {
    const { s, u, port } = await setup();
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.write('POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000));
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
    });
    expect(u.received).toHaveLength(0);
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    await expectClean(s, u);
  });
});
