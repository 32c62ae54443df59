/**
 * How the sidecar uses original destinations, in-process on loopback: the kernel's answer is stood
 * in for by a function (the addon itself is tested on real redirected connections in
 * original-destination.test.ts and intercepted-sidecar.test.ts, which need root).
 */
import { describe, expect, it } from 'vitest';
import type { Destination, OriginalDestination } from './original-destination.js';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { rawExchange } from '../testing/raw-client.js';
import { closedPort } from '../testing/sockets.js';
import { metricSum } from '../testing/metric-sum.js';
import { startTcpEcho } from '../testing/tcp-echo.js';

const h = useHarness();

/** Every accepted connection "was going to" `to`; counts the connections asked about. */
function redirectedTo(to: () => Destination): OriginalDestination & { calls: number } {
  const fn = Object.assign(() => {
    fn.calls++;
    return fn.calls === 1 ? to() : undefined;
  }, { calls: 0 });
  return fn;
}

describe('a sidecar given original destinations', () => {
  it('sends HTTP for a host the config does not know to the original destination, not to the Host', async () => {
    const outside = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ outboundTrafficPolicy: 'allow-any' }), { originalDestination: redirectedTo(() => ({ address: '127.0.0.1', port: outside.port })) });
    const res = await ask(s.addresses().outbound.port, { host: 'nowhere.invalid', path: '/x' });
    expect(res.status).toBe(200);
    expect(outside.received[0]!.url).toBe('/x');
  });

  it('still routes a known host by Host, whatever the original destination', async () => {
    const reviews = await h.own(startHttpUpstream());
    const elsewhere = await closedPort();
    const s = await h.sidecar(testConfig({ services: [httpService('reviews', [reviews.port])] }), {
      originalDestination: redirectedTo(() => ({ address: '127.0.0.1', port: elsewhere })),
    });
    expect((await ask(s.addresses().outbound.port, { host: 'reviews' })).status).toBe(200);
    expect(reviews.received).toHaveLength(1);
  });

  it('tunnels outbound non-HTTP bytes to the original destination (no TCP service in the config)', async () => {
    const echo = await h.own(startTcpEcho());
    const s = await h.sidecar(testConfig({ outboundTrafficPolicy: 'allow-any' }), { originalDestination: redirectedTo(() => ({ address: '127.0.0.1', port: echo.port })) });
    const out = await rawExchange(s.addresses().outbound.port, '*1\r\n$4\r\nPING\r\n', { endAfterWrite: true });
    expect(out.text).toBe('*1\r\n$4\r\nPING\r\n');
  });

  it('refuses outbound non-HTTP bytes to an unknown original destination under registry-only, and counts it', async () => {
    const echo = await h.own(startTcpEcho());
    const s = await h.sidecar(testConfig(), { originalDestination: redirectedTo(() => ({ address: '127.0.0.1', port: echo.port })) });
    const out = await rawExchange(s.addresses().outbound.port, '*1\r\n$4\r\nPING\r\n', { endAfterWrite: true });
    expect(out.text).toBe('');
    expect(echo.received()).toHaveLength(0);
    expect(await metricSum(s.observability.metrics, 'weft_unknown_destination_requests_total', { outcome: 'refused_registry_only' })).toBe(1);
  });

  it("tunnels non-HTTP bytes to a service's cluster IP under registry-only: a known destination", async () => {
    const echo = await h.own(startTcpEcho());
    const tcpService = { ...httpService('redis', [echo.port], {}, 'tcp'), clusterIPs: ['127.0.0.1'] };
    const s = await h.sidecar(testConfig({ services: [tcpService] }), { originalDestination: redirectedTo(() => ({ address: '127.0.0.1', port: echo.port })) });
    const out = await rawExchange(s.addresses().outbound.port, '*1\r\n$4\r\nPING\r\n', { endAfterWrite: true });
    expect(out.text).toBe('*1\r\n$4\r\nPING\r\n');
    expect(await metricSum(s.observability.metrics, 'weft_unknown_destination_requests_total')).toBe(0);
  });

  it('delivers inbound HTTP to 127.0.0.1 at the original port, whatever the authority says', async () => {
    const app = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig(), { originalDestination: redirectedTo(() => ({ address: '10.0.0.7', port: app.port })) });
    const res = await ask(s.addresses().inbound.port, { host: '10.0.0.7:1' });
    expect(res.status).toBe(200);
    expect(app.received).toHaveLength(1);
  });

  it("refuses an inbound connection whose original port is the sidecar's own listener, rather than dialling itself", async () => {
    let inboundPort = 0;
    const original = redirectedTo(() => ({ address: '10.0.0.7', port: inboundPort }));
    const s = await h.sidecar(testConfig(), { originalDestination: original });
    inboundPort = s.addresses().inbound.port;
    const out = await rawExchange(inboundPort, 'hello\r\n', { endAfterWrite: true });
    expect(out.text).toBe('');
    // One connection reached the listeners: the client's. Dialling 127.0.0.1:<inbound> would make a second.
    expect(original.calls).toBe(1);
  });
});
