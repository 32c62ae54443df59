import { once } from 'node:events';
import { createServer, Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Served } from './core.js';
import { serveTcpCore } from './tcp.js';

describe('the byte relay core', () => {
  let upstream: Server;
  let relay: Served;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    upstream = createServer((req, res) => res.end(`${req.method} ${req.url} ${req.socket.remotePort}`));
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    relay = await serveTcpCore({ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port });
  });
  afterAll(async () => {
    agent.destroy();
    await relay.close();
    upstream.close();
  });

  const get = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: relay.port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });

  it('relays requests byte for byte, one upstream connection per client connection', async () => {
    const first = await get('/a');
    const second = await get('/b');
    expect(first).toMatch(/^GET \/a \d+$/);
    expect(second).toMatch(/^GET \/b \d+$/);
    // Both requests went over the same kept-alive client connection, so over the same upstream one.
    expect(second.split(' ')[2]).toBe(first.split(' ')[2]);
  });

  it('lets go of every connection on close', async () => {
    await get('/c');
    const count = (): Promise<number> => new Promise((resolve, reject) => upstream.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    expect(await count()).toBe(1);
    await relay.close();
    for (let i = 0; i < 50 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await count()).toBe(0);
  });
});
