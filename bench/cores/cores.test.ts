import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORES } from './index.js';
import { serveCore, type ServedCore } from './serve.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An upstream that records what it received and answers 1 KiB (or echoes a POST body). */
async function startUpstream(): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain', 'keep-alive': 'timeout=5', 'x-upstream': 'yes' });
      res.end(req.method === 'POST' ? `echo:${body}` : 'x'.repeat(1024));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { server, port: address && typeof address === 'object' ? address.port : 0, seen };
}

async function send(port: number, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function loadCore(name: string) {
  const load = CORES[name];
  if (!load) throw new Error(`no core ${name}`);
  return load();
}

const connections = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

describe.each(Object.keys(CORES))('forwarding core %s', (name) => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let core: ServedCore;

  beforeAll(async () => {
    upstream = await startUpstream();
    core = await serveCore(await loadCore(name), { host: '127.0.0.1', port: upstream.port });
  });
  afterAll(async () => {
    await core?.close();
    upstream?.server.close();
  });

  it('forwards method, path and end-to-end headers, and drops hop-by-hop ones both ways', async () => {
    const res = await send(core.port, {
      path: '/a/b?c=1',
      headers: { 'x-custom': '1', connection: 'x-drop', 'x-drop': 'gone', 'proxy-connection': 'keep-alive' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1024);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers['keep-alive']).not.toBe('timeout=5');
    const got = upstream.seen.at(-1);
    expect(got?.url).toBe('/a/b?c=1');
    expect(got?.headers['x-custom']).toBe('1');
    expect(got?.headers['x-drop']).toBeUndefined();
    expect(got?.headers['proxy-connection']).toBeUndefined();
  });

  it('streams a request body through', async () => {
    const res = await send(core.port, { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(res.body).toBe('echo:hello');
    expect(upstream.seen.at(-1)?.method).toBe('POST');
  });

  it('reuses upstream connections and lets go of them on close', async () => {
    for (let i = 0; i < 5; i++) await send(core.port, {});
    expect(await connections(upstream.server)).toBeLessThanOrEqual(2);
    await core.close();
    await expect.poll(() => connections(upstream.server), { timeout: 10_000 }).toBe(0);
    core = await serveCore(await loadCore(name), { host: '127.0.0.1', port: upstream.port });
  });

  it('answers 502 when the upstream is gone', async () => {
    const dead = await startUpstream();
    dead.server.close();
    await once(dead.server, 'close');
    const lonely = await serveCore(await loadCore(name), { host: '127.0.0.1', port: dead.port });
    try {
      expect((await send(lonely.port, {})).status).toBe(502);
    } finally {
      await lonely.close();
    }
  });
});
