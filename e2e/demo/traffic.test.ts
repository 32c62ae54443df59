import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { send, type Totals } from './traffic.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

describe('demo traffic', () => {
  it('sends exactly the bounded count and tallies statuses and the answering reviews version', async () => {
    let n = 0;
    server = createServer((_req, res) => {
      n++;
      if (n % 5 === 0) return void res.writeHead(502).end('{}');
      const version = n % 10 === 1 ? 'v2' : 'v1';
      res.writeHead(200).end(JSON.stringify({ service: 'productpage', next: [{ service: 'reviews', version }] }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const progress: Totals[] = [];
    const totals = await send(`http://127.0.0.1:${port}/`, 120, 3, 30_000, (t) => progress.push(structuredClone(t)));
    expect(totals.sent).toBe(120);
    expect(n).toBe(120);
    expect(totals.byStatus).toEqual({ 200: 96, 502: 24 });
    expect(totals.byVersion['reviews-v1']! + totals.byVersion['reviews-v2']!).toBe(96);
    expect(totals.byVersion['reviews-v2']).toBe(12);
    expect(progress).toHaveLength(2);
  });

  it('counts a refused connection as status 0 and stops at the count', async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const totals = await send(`http://127.0.0.1:${port}/`, 5, 2, 30_000, () => {});
    expect(totals).toMatchObject({ sent: 5, byStatus: { 0: 5 } });
  });
});
