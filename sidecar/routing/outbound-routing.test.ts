import { describe, expect, it } from 'vitest';
import { ask } from '../testing/client.js';
import { httpService, testConfig } from '../testing/config.js';
import { evenRandom, useHarness } from '../testing/harness.js';
import { startHttpUpstream } from '../testing/http-upstream.js';
import { settle } from '../testing/sockets.js';

const h = useHarness();

describe('outbound routing through a sidecar', () => {
  it('splits a canary 90/10 across backends by weight', async () => {
    const v1 = await h.own(startHttpUpstream());
    const v2 = await h.own(startHttpUpstream());
    const config = testConfig({
      services: [
        httpService('reviews', [], { routes: [{ name: 'canary', backends: [{ name: 'reviews-v1', port: 80, weight: 90 }, { name: 'reviews-v2', port: 80, weight: 10 }] }] }),
        httpService('reviews-v1', [v1.port]),
        httpService('reviews-v2', [v2.port]),
      ],
    });
    const s = await h.sidecar(config, { random: evenRandom(100) });
    for (let i = 0; i < 100; i++) await ask(s.addresses().outbound.port, { host: 'reviews' });
    expect([v1.received.length, v2.received.length]).toEqual([90, 10]);
  });

  it('applies route matches and request/response header changes', async () => {
    const a = await h.own(startHttpUpstream());
    const b = await h.own(startHttpUpstream());
    const config = testConfig({
      services: [
        httpService('app', [a.port], {
          routes: [
            {
              name: 'beta',
              matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-beta', value: 'on' }] }],
              backends: [{ name: 'app-beta', port: 80 }],
              requestHeaders: { set: [{ name: 'x-route', value: 'beta' }], add: [{ name: 'x-multi', value: 'added' }], remove: ['x-secret'] },
              responseHeaders: { set: [{ name: 'x-served-by', value: 'beta' }] },
            },
          ],
        }),
        httpService('app-beta', [b.port]),
      ],
    });
    const s = await h.sidecar(config);
    const port = s.addresses().outbound.port;
    const hit = await ask(port, { host: 'app', path: '/api/x', headers: { 'x-beta': 'on', 'x-secret': 's', 'x-multi': 'orig' } });
    expect(hit.headers['x-served-by']).toBe('beta');
    expect(b.received[0]!.headers).toMatchObject({ 'x-route': 'beta', 'x-multi': 'orig, added' });
    expect(b.received[0]!.headers['x-secret']).toBeUndefined();
    const miss = await ask(port, { host: 'app', path: '/api/x' });
    expect(miss.headers['x-served-by']).toBeUndefined();
    expect(a.received).toHaveLength(1);
  });

  it('mirrors a copy of the request, body included; a failing mirror does not change the answer', async () => {
    const main = await h.own(startHttpUpstream());
    const mirror = await h.own(startHttpUpstream((_req, res) => res.writeHead(500).end('mirror broke')));
    const config = testConfig({
      services: [
        httpService('orders', [main.port], { routes: [{ name: 'all', backends: [{ name: 'orders', port: 80 }], mirror: { backend: { name: 'orders-shadow', port: 80 } } }] }),
        httpService('orders-shadow', [mirror.port]),
      ],
    });
    const s = await h.sidecar(config);
    const res = await ask(s.addresses().outbound.port, { host: 'orders', method: 'POST', path: '/o', body: 'order-1' });
    expect(res.status).toBe(200);
    expect(await settle(() => mirror.received.length, 1)).toBe(1);
    expect(mirror.received[0]!.body.toString()).toBe('order-1');
    expect(mirror.received[0]!.url).toBe('/o');
  });

  it('a mirror that is down does not affect the response either', async () => {
    const main = await h.own(startHttpUpstream());
    const config = testConfig({
      services: [
        httpService('orders', [main.port], { routes: [{ name: 'all', backends: [{ name: 'orders', port: 80 }], mirror: { backend: { name: 'shadow', port: 80 } } }] }),
        httpService('shadow', [1]),
      ],
    });
    const s = await h.sidecar(config);
    expect((await ask(s.addresses().outbound.port, { host: 'orders' })).status).toBe(200);
  });
});
