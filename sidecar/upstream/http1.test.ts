import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { settle } from '../testing/sockets.js';
import { FakeClock } from '../../common/testing/fake-clock.js';

const h = useHarness();

describe('HTTP/1.1 forwarding', () => {
  it('reuses keep-alive connections to an endpoint', async () => {
    const u = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ services: [httpService('reviews', [u.port])] }));
    for (let i = 0; i < 10; i++) expect((await ask(s.addresses().outbound.port, { host: 'reviews' })).status).toBe(200);
    expect(u.received).toHaveLength(10);
    expect(u.connections.total).toBe(1);
  });

  it('streams a request body: the upstream sees bytes before the client finished sending', async () => {
    let firstChunkSeen!: () => void;
    const seen = new Promise<void>((r) => (firstChunkSeen = r));
    const u = await h.own(
      startHttpUpstream(
        (req, res) => {
          let n = 0;
          req.once('data', () => firstChunkSeen());
          req.on('data', (c: Buffer) => (n += c.length));
          req.on('end', () => res.end(String(n)));
        },
        { streaming: true },
      ),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('upload', [u.port])] }));
    const answer = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.addresses().outbound.port, method: 'POST', path: '/', headers: { host: 'upload' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      req.write(chunk);
      // The rest is only sent once the upstream proved it received the first part.
      void seen.then(() => {
        for (let i = 0; i < 15; i++) req.write(chunk);
        req.end();
      });
    });
    expect(await answer).toBe(String(16 * 64 * 1024));
  });

  it('passes chunked bodies both ways and strips hop-by-hop headers', async () => {
    const u = await h.own(
      startHttpUpstream((req, res, body) => {
        res.writeHead(200, { connection: 'keep-alive, x-hop', 'x-hop': 'secret', 'keep-alive': 'timeout=5', 'x-end': 'kept' });
        res.write('part1-');
        res.end(body);
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('chunky', [u.port])] }));
    const res = await ask(s.addresses().outbound.port, {
      host: 'chunky',
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked', connection: 'x-drop', 'x-drop': '1', 'proxy-connection': 'keep-alive', te: 'trailers', 'x-end': 'yes' },
      body: 'hello',
    });
    expect(res.body).toBe('part1-hello');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['x-hop']).toBeUndefined();
    expect(res.headers['x-end']).toBe('kept');
    const got = u.received[0]!;
    expect(got.body.toString()).toBe('hello');
    // A proxy may re-frame (RFC 9112): a body that is complete before the upstream request starts goes with a length.
    expect(got.headers['transfer-encoding'] === 'chunked' || got.headers['content-length'] === '5').toBe(true);
    expect(got.headers['x-drop']).toBeUndefined();
    expect(got.headers['proxy-connection']).toBeUndefined();
    expect(got.headers['te']).toBeUndefined();
    expect(got.headers['x-end']).toBe('yes');
  });

  it('passes the trailers of a chunked response, and a response with a length ends without any', async () => {
    const u = await h.own(
      startHttpUpstream((req, res) => {
        if (req.url === '/length') return void res.end('sized');
        res.writeHead(200, { trailer: 'x-checksum' });
        res.write('streamed');
        res.addTrailers({ 'x-checksum': 'abc123' });
        res.end();
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('trailing', [u.port])] }));
    const chunked = await ask(s.addresses().outbound.port, { host: 'trailing', path: '/chunked' });
    expect(chunked.body).toBe('streamed');
    expect(chunked.trailers['x-checksum']).toBe('abc123');
    const sized = await ask(s.addresses().outbound.port, { host: 'trailing', path: '/length' });
    expect(sized.body).toBe('sized');
    expect(sized.headers['content-length']).toBe('5');
    expect(sized.trailers).toEqual({});
  });

  it('accepts absolute-form requests, as an app using an HTTP proxy sends them', async () => {
    const u = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ services: [httpService('reviews', [u.port])] }));
    const res = await ask(s.addresses().outbound.port, { host: 'ignored', path: 'http://reviews/abs?q=1' });
    expect(res.status).toBe(200);
    expect(u.received[0]!.url).toBe('/abs?q=1');
    expect(u.received[0]!.headers.host).toBe('reviews');
  });

  it('answers 503 WEFT_CONNECT_FAILED when no endpoint accepts, without leaking sockets', async () => {
    const u = await startHttpUpstream();
    const port = u.port;
    await u.close();
    const s = await h.sidecar(testConfig({ services: [httpService('gone', [port])] }));
    const res = await ask(s.addresses().outbound.port, { host: 'gone' });
    expect(res.status).toBe(503);
    expect(res.headers['x-weft-error']).toBe('WEFT_CONNECT_FAILED');
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });

  it('cuts the client off when the upstream resets mid-body, and frees both connections', async () => {
    const u = await h.own(
      startHttpUpstream((_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000, 'x'), () => res.socket?.destroy());
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('flaky', [u.port])] }));
    await expect(ask(s.addresses().outbound.port, { host: 'flaky' })).rejects.toThrow();
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    expect(await settle(() => s.upstreamConnections(), 0)).toBe(0);
  });
});

describe('an upstream that never answers', () => {
  it('gets 504 WEFT_REQUEST_TIMEOUT once the request timeout passes on the clock, and both connections are freed', async () => {
    const clock = new FakeClock();
    const u = await h.own(startHttpUpstream(() => undefined));
    const s = await h.sidecar(testConfig({ services: [httpService('stuck', [u.port], { policy: { timeouts: { request: '2s' } } })] }), { clock });
    const answer = ask(s.addresses().outbound.port, { host: 'stuck' });
    expect(await settle(() => u.received.length, 1)).toBe(1);
    await clock.advance(1999);
    expect(u.connections.open()).toBe(1);
    await clock.advance(1);
    const res = await answer;
    expect(res.status).toBe(504);
    expect(res.headers['x-weft-error']).toBe('WEFT_REQUEST_TIMEOUT');
    // The abandoned try's upstream connection is closed, not returned to the pool.
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });
});
