import { connect } from 'node:net';
import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../common/testing/fake-clock.js';
import { Sidecar } from './sidecar.js';
import { ask } from './testing/client.js';
import { httpService, testConfig } from './testing/config.js';
import { useHarness } from './testing/harness.js';
import { startHttpUpstream } from './testing/http-upstream.js';
import { settle } from './testing/sockets.js';

const h = useHarness();

/** An upstream that holds every request until `release()` is called. */
async function heldUpstream() {
  const held: (() => void)[] = [];
  const u = await h.own(startHttpUpstream((_req, res) => held.push(() => res.end('late'))));
  return { u, held, release: () => held.splice(0).forEach((f) => f()) };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('readiness', () => {
  it('answers 503 WEFT_NOT_READY until the first config, then serves', async () => {
    const u = await h.own(startHttpUpstream());
    const s = new Sidecar();
    h.defer(() => s.stop());
    await s.listen(testConfig().listeners);
    expect(s.isReady()).toBe(false);
    const before = await ask(s.addresses().outbound.port, { host: 'svc' });
    expect([before.status, before.headers['x-weft-error']]).toEqual([503, 'WEFT_NOT_READY']);
    s.applyConfig(testConfig({ services: [httpService('svc', [u.port])] }));
    expect(s.isReady()).toBe(true);
    expect((await ask(s.addresses().outbound.port, { host: 'svc' })).status).toBe(200);
  });
});

describe('graceful drain', () => {
  it('stops accepting, lets the in-flight request finish with Connection: close, then closes', async () => {
    const { u, held, release } = await heldUpstream();
    const s = await h.sidecar(testConfig({ services: [httpService('svc', [u.port])] }));
    const port = s.addresses().outbound.port;
    const inflight = ask(port, { host: 'svc' });
    await settle(() => held.length, 1);
    const drained = s.drain();
    expect(s.isReady()).toBe(false);
    expect(await refused(port)).toBe(true);
    release();
    const res = await inflight;
    expect([res.status, res.body, res.headers.connection]).toEqual([200, 'late', 'close']);
    await drained;
    expect(s.openConnections()).toBe(0);
  });

  it('cuts what is still in flight when limits.drain passes (on the clock)', async () => {
    const clock = new FakeClock();
    const { u, held } = await heldUpstream();
    const s = await h.sidecar(testConfig({ services: [httpService('svc', [u.port], { policy: { timeouts: { request: '0s' } } })], limits: { drain: '3s' } }), { clock });
    const inflight = ask(s.addresses().outbound.port, { host: 'svc' }).then(() => 'answered', () => 'cut');
    await settle(() => held.length, 1);
    let done = false;
    const drained = s.drain().then(() => (done = true));
    await clock.advance(2999);
    expect(done).toBe(false);
    await clock.advance(1);
    await drained;
    expect(await inflight).toBe('cut');
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
    expect(await settle(() => u.connections.open(), 0)).toBe(0);
  });
});

describe('applyConfig', () => {
  it('an in-flight request finishes on the config it started with; new requests use the new one', async () => {
    const a = await heldUpstream();
    const b = await h.own(startHttpUpstream());
    const s = await h.sidecar(testConfig({ services: [httpService('svc', [a.u.port])] }));
    const port = s.addresses().outbound.port;
    const first = ask(port, { host: 'svc' });
    await settle(() => a.held.length, 1);
    s.applyConfig(testConfig({ services: [httpService('svc', [b.port])] }));
    expect((await ask(port, { host: 'svc' })).status).toBe(200);
    expect(b.received).toHaveLength(1);
    a.release();
    expect((await first).body).toBe('late');
  });

  it('swapping endpoint sets under load drops no request', async () => {
    const a = await h.own(startHttpUpstream());
    const b = await h.own(startHttpUpstream());
    const sets = [[a.port], [a.port, b.port], [b.port]];
    const s = await h.sidecar(testConfig({ services: [httpService('svc', sets[0]!)] }));
    const port = s.addresses().outbound.port;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    h.defer(() => agent.destroy());
    const total = 300;
    let sent = 0;
    const statuses: number[] = [];
    const client = async (): Promise<void> => {
      while (sent < total) {
        sent++;
        if (sent % 15 === 0) s.applyConfig(testConfig({ services: [httpService('svc', sets[(sent / 15) % 3]!)] }));
        statuses.push((await ask(port, { host: 'svc', method: 'POST', body: `n=${sent}`, agent })).status);
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    expect(statuses).toHaveLength(total);
    expect(statuses.filter((st) => st !== 200)).toEqual([]);
    expect(a.received.length + b.received.length).toBe(total);
    expect(Math.min(a.received.length, b.received.length)).toBeGreaterThan(0);
  });
});
