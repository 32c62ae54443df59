import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SidecarOptions } from '../sidecar.js';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { metricSum } from '../testing/metric-sum.js';
import { rawExchange } from '../testing/raw-client.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

/** This process's open file descriptors: the sidecar under test runs in it. */
const openFds = (): number => readdirSync('/proc/self/fd').length;

/** Asks once and expects the loop answer; returns how many descriptors the process gained meanwhile. */
async function loopAnswered(port: number, host: string): Promise<number> {
  const before = openFds();
  const res = await ask(port, { host });
  expect(res.status).toBe(508);
  expect(res.headers['x-weft-error']).toBe('WEFT_LOOP_DETECTED');
  return openFds() - before;
}

async function sidecarWith(policy: 'allow-any' | 'registry-only', original?: { address: string; port: number }, extra: Record<string, unknown> = {}) {
  const options: SidecarOptions = original ? { originalDestination: () => original } : {};
  const s = await h.sidecar(testConfig({ outboundTrafficPolicy: policy, ...extra }), options);
  const outcomes = (outcome: string): Promise<number> => metricSum(s.observability.metrics, 'weft_unknown_destination_requests_total', { outcome });
  return { s, port: s.addresses().outbound.port, outcomes };
}

describe('a destination the config does not know', () => {
  it('is refused without an original destination (static mode), whatever the Host names, by default', async () => {
    const named = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig());
    const res = await ask(s.addresses().outbound.port, { host: `127.0.0.1:${named.port}` });
    expect(res.status).toBe(403);
    expect(res.headers['x-weft-error']).toBe('WEFT_UNKNOWN_DESTINATION');
    expect(named.connections.total).toBe(0);
    expect(await metricSum(s.observability.metrics, 'weft_unknown_destination_requests_total', { outcome: 'refused_registry_only' })).toBe(1);
  });

  it('allow-any without an original destination: refused too', async () => {
    const named = await h.own(startHttpUpstream());
    const { port, outcomes } = await sidecarWith('allow-any');
    const res = await ask(port, { host: `127.0.0.1:${named.port}` });
    expect(res.status).toBe(403);
    expect(res.body).toContain('no original destination');
    expect(named.connections.total).toBe(0);
    expect(await outcomes('refused_no_original_destination')).toBe(1);
  });

  it('allow-any with an original destination: goes there, never to the host the request names', async () => {
    const original = await h.own(startHttpUpstream());
    const named = await h.own(startHttpUpstream());
    const { port, outcomes } = await sidecarWith('allow-any', { address: '127.0.0.1', port: original.port });
    const res = await ask(port, { host: `127.0.0.1:${named.port}`, path: '/ext' });
    expect(res.status).toBe(200);
    expect(original.received.map((r) => r.url)).toEqual(['/ext']);
    // No hop mark leaves the mesh.
    expect(original.received[0]!.headers['x-weft-hop']).toBeUndefined();
    expect(named.connections.total).toBe(0);
    expect(await outcomes('forwarded')).toBe(1);
  });

  it('registry-only with an original destination: refused, nothing reached', async () => {
    const original = await h.own(startHttpUpstream());
    const { port, outcomes } = await sidecarWith('registry-only', { address: '127.0.0.1', port: original.port });
    const res = await ask(port, { host: 'anything.example' });
    expect(res.status).toBe(403);
    expect(res.headers['x-weft-error']).toBe('WEFT_UNKNOWN_DESTINATION');
    expect(original.connections.total).toBe(0);
    expect(await outcomes('refused_registry_only')).toBe(1);
  });

  it('absolute form: routed only to a known service, else refused even under allow-any', async () => {
    const known = await h.own(startHttpUpstream());
    const original = await h.own(startHttpUpstream());
    const { port, outcomes } = await sidecarWith('allow-any', { address: '127.0.0.1', port: original.port }, { services: [httpService('reviews', [known.port])] });
    const ok = await rawExchange(port, 'GET http://reviews/r HTTP/1.1\r\nHost: ignored\r\nConnection: close\r\n\r\n');
    expect(ok.status).toBe(200);
    expect(known.received.map((r) => r.url)).toEqual(['/r']);
    const refused = await rawExchange(port, `GET http://127.0.0.1:${original.port}/x HTTP/1.1\r\nHost: reviews\r\nConnection: close\r\n\r\n`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('x-weft-error: WEFT_UNKNOWN_DESTINATION');
    expect(original.connections.total).toBe(0);
    expect(await outcomes('refused_absolute_form')).toBe(1);
  });
});

describe('loops into the sidecar itself', () => {
  it('an original destination that is its own listener, in any spelling: 508, and descriptors stay bounded', async () => {
    const target = { address: '127.0.0.1', port: 0 };
    const s = await h.sidecar(testConfig({ outboundTrafficPolicy: 'allow-any' }), { originalDestination: () => target });
    const port = s.addresses().outbound.port;
    const before = openFds();
    for (const address of ['127.0.0.1', '127.0.0.2', '::ffff:127.0.0.1', '::1', '0.0.0.0', '::']) {
      target.address = address;
      target.port = port;
      // One client connection at a time, closed after each answer: a loop would have opened hundreds.
      expect(await loopAnswered(port, `127.1:${port}`)).toBeLessThanOrEqual(4);
    }
    expect(await settle(openFds, before)).toBeLessThanOrEqual(before + 2);
    expect(s.upstreamConnections()).toBe(0);
    expect(await metricSum(s.observability.metrics, 'weft_unknown_destination_requests_total', { outcome: 'refused_loop' })).toBe(6);
  });

  it('a known service whose endpoint is the sidecar itself: the hop mark stops it on its second arrival', async () => {
    const s = await h.sidecar(testConfig({ services: [httpService('self', [])] }));
    const port = s.addresses().outbound.port;
    // Point the service at the sidecar's own outbound port: the address guard only covers unknown destinations.
    s.applyConfig(testConfig({ services: [httpService('self', [port])] }));
    // The client's connection, one upstream connection to itself and its accepted end: nothing more.
    expect(await loopAnswered(port, 'self')).toBeLessThanOrEqual(4);
    expect(s.upstreamConnections()).toBeLessThanOrEqual(1);
  });

  it('the mark travels with outbound requests and stops at the inbound listener', async () => {
    const app = await h.own(startHttpUpstream());
    const peer = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ services: [httpService('peer', [peer.port])], inbound: [{ port: 9080, appPort: app.port }] }));
    expect((await ask(s.addresses().outbound.port, { host: 'peer' })).status).toBe(200);
    expect(peer.received[0]!.headers['x-weft-hop']).toMatch(/^[0-9a-f]{16}$/);
    // A peer sidecar's mark arriving inbound is not handed to the app (which might forward it back).
    expect((await ask(s.addresses().inbound.port, { host: 'svc:9080', headers: { 'x-weft-hop': 'aaaaaaaaaaaaaaaa' } })).status).toBe(200);
    expect(app.received[0]!.headers['x-weft-hop']).toBeUndefined();
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });

  it('an inbound port whose app address is the sidecar itself: 508 at once, no loop through the inbound listener', async () => {
    const s = await h.sidecar(testConfig());
    const inbound = s.addresses().inbound.port;
    s.applyConfig(testConfig({ inbound: [{ port: 9080, appAddress: '127.0.0.1', appPort: inbound }] }));
    expect(await loopAnswered(inbound, 'svc:9080')).toBeLessThanOrEqual(2);
    expect(s.upstreamConnections()).toBe(0);
  });
});
