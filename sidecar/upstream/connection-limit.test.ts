import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ask, type Answer } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startH2Upstream } from '../testing/h2-upstream.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { metricSum } from '../testing/metric-sum.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

const limits = (maxConnections: number, maxPendingRequests: number) => ({
  policy: { connectionLimits: { maxConnections, maxPendingRequests }, retries: { attempts: 0 } },
});

describe('maxConnections', () => {
  it('never opens more than maxConnections to the upstream: 5 concurrent slow requests over 2 connections', async () => {
    let mostOpen = 0;
    const u = await h.own(
      startHttpUpstream((_req, res) => {
        mostOpen = Math.max(mostOpen, u.connections.open());
        setTimeout(() => res.end('slow'), 150);
      }),
    );
    const s = await h.sidecar(testConfig({ services: [httpService('slow', [u.port], limits(2, 0))] }));
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(s.addresses().outbound.port, { host: 'slow' })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(u.received).toHaveLength(5);
    expect(mostOpen).toBeLessThanOrEqual(2);
    expect(u.connections.total).toBeLessThanOrEqual(2);
  });

  it('past the connections and the line, fails fast with 503 WEFT_OVERLOADED and the reason; the waiting one is served', async () => {
    const held: ServerResponse[] = [];
    const u = await h.own(startHttpUpstream((_req, res) => void held.push(res)));
    const s = await h.sidecar(testConfig({ services: [httpService('busy', [u.port], limits(2, 1))] }));
    const port = s.addresses().outbound.port;
    const first = [ask(port, { host: 'busy' }), ask(port, { host: 'busy' })];
    expect(await settle(() => held.length, 2)).toBe(2);
    // Three more: one finds room in the line (1), two are refused without waiting.
    const done: Answer[] = [];
    const rest = Array.from({ length: 3 }, () => ask(port, { host: 'busy' }).then((a) => (done.push(a), a)));
    expect(await settle(() => done.length, 2)).toBe(2);
    for (const r of done) {
      expect(r.status).toBe(503);
      expect(r.headers['x-weft-error']).toBe('WEFT_OVERLOADED');
      expect(r.body).toContain('connections to default/busy: 2 in flight (limit 2) and 1 waiting (limit 1)');
    }
    const rejections = (limit: string) => metricSum(s.observability.metrics, 'weft_overload_rejections_total', { destination_service: 'busy', limit });
    expect(await rejections('max_connections')).toBe(2);
    expect(await rejections('max_requests')).toBe(0);
    expect(u.connections.total).toBe(2);
    for (const res of held.splice(0)) res.end('done');
    expect((await Promise.all(first)).map((a) => a.status)).toEqual([200, 200]);
    expect(await settle(() => held.length, 1)).toBe(1);
    held[0]!.end('late');
    const served = (await Promise.all(rest)).filter((a) => a.status === 200);
    expect(served.map((a) => a.body)).toEqual(['late']);
    expect(u.received).toHaveLength(3);
    expect(u.connections.total).toBe(2);
  });

  it('counts HTTP/2 sessions: with maxConnections 1, a second endpoint gets no session while the first is open', async () => {
    const a = await h.own(startH2Upstream('a'));
    const b = await h.own(startH2Upstream('b'));
    const grid = {
      name: 'grid',
      namespace: 'default',
      ports: [{ port: 80, protocol: 'http2', endpoints: [a.port, b.port].map((port) => ({ address: '127.0.0.1', port })) }],
      policy: { loadBalancer: { algorithm: 'round-robin' }, connectionLimits: { maxConnections: 1 }, timeouts: { request: '300ms' }, retries: { attempts: 0 } },
    };
    const s = await h.sidecar(testConfig({ services: [grid] }));
    const port = s.addresses().outbound.port;
    const statuses: number[] = [];
    // Round robin: a, b, a. The try to b waits for a connection slot until the request timeout.
    for (let i = 0; i < 3; i++) statuses.push((await ask(port, { host: 'grid' })).status);
    expect(statuses).toEqual([200, 504, 200]);
    expect(a.sessions.total).toBe(1);
    expect(b.sessions.total).toBe(0);
  });
});
