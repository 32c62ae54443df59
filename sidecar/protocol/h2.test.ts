import { connect, type ClientHttp2Session } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { ask } from '../testing/client.js';
import { testConfig } from '../testing/config.js';
import { startH2Upstream } from '../testing/h2-upstream.js';
import { useHarness } from '../testing/harness.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

function h2Get(session: ClientHttp2Session, authority: string, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown>; trailers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ':path': path, ':authority': authority });
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    let body = '';
    stream.on('response', (hd) => (headers = hd));
    stream.on('trailers', (t) => (trailers = t));
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => resolve({ status: Number(headers[':status']), body, headers, trailers }));
    stream.on('error', reject);
  });
}

async function twoEndpoints() {
  const a = await h.own(startH2Upstream('a'));
  const b = await h.own(startH2Upstream('b'));
  const config = testConfig({
    services: [
      {
        name: 'grid',
        namespace: 'default',
        ports: [{ port: 80, protocol: 'http2', endpoints: [{ address: '127.0.0.1', port: a.port }, { address: '127.0.0.1', port: b.port }] }],
        policy: { loadBalancer: { algorithm: 'round-robin' } },
      },
    ],
  });
  return { a, b, s: await h.sidecar(config) };
}

describe('HTTP/2 cleartext (h2c)', () => {
  it('balances per request, not per connection, over multiplexed sessions to 2 endpoints, trailers included', async () => {
    const { a, b, s } = await twoEndpoints();
    const session = connect(`http://127.0.0.1:${s.addresses().outbound.port}`);
    h.defer(() => session.close());
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => h2Get(session, 'grid', `/item/${i}`)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(a.requests.length).toBe(5);
    expect(b.requests.length).toBe(5);
    // One downstream connection, one upstream session per endpoint.
    expect([a.sessions.total, b.sessions.total]).toEqual([1, 1]);
    expect(answers[0]!.trailers['x-trailer']).toMatch(/^from-[ab]$/);
    expect(answers[0]!.headers['x-upstream']).toMatch(/^[ab]$/);
  });

  it('serves an HTTP/1.1 client of an HTTP/2 service (protocol translation)', async () => {
    const { a, b, s } = await twoEndpoints();
    const res = await ask(s.addresses().outbound.port, { host: 'grid', path: '/from-h1' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).path).toBe('/from-h1');
    expect(a.requests.length + b.requests.length).toBe(1);
  });

  it('answers a proxy error to an h2 client as a normal HTTP/2 response with x-weft-error', async () => {
    const s = await h.sidecar(testConfig({ services: [{ name: 'empty', namespace: 'default', ports: [{ port: 80, protocol: 'http2', endpoints: [] }] }] }));
    const session = connect(`http://127.0.0.1:${s.addresses().outbound.port}`);
    h.defer(() => session.close());
    const res = await h2Get(session, 'empty', '/');
    expect(res.status).toBe(503);
    expect(res.headers['x-weft-error']).toBe('WEFT_NO_HEALTHY_ENDPOINT');
    session.close();
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });

  it('passes an unknown :authority through to the connection\'s original destination under allow-any, never to the named host', async () => {
    const original = await h.own(startH2Upstream('original'));
    const named = await h.own(startH2Upstream('named'));
    const s = await h.sidecar(testConfig({ outboundTrafficPolicy: 'allow-any' }), { originalDestination: () => ({ address: '127.0.0.1', port: original.port }) });
    const session = connect(`http://127.0.0.1:${s.addresses().outbound.port}`);
    h.defer(() => session.close());
    const res = await h2Get(session, `127.0.0.1:${named.port}`, '/h2-pass');
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('original');
    expect(original.requests.map((r) => r[':path'])).toEqual(['/h2-pass']);
    expect(named.sessions.total).toBe(0);
  });
});
