import { afterEach, describe, expect, it, vi } from 'vitest';
import { toDocument, parseProxyConfig, type ProxyConfig } from '../../common/config/index.js';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { FakeControlPlane } from '../testing/fake-control-plane.js';
import { ControlPlaneSource, identityFrom } from './control-plane.js';

const identity = { pod: 'web-1', namespace: 'default', serviceAccount: 'web', workload: 'web', labels: { app: 'web' }, podIp: '10.0.0.5' };
const config = (version: string, port = 9080): ProxyConfig =>
  parseProxyConfig({ version, node: { workload: 'web', namespace: 'default' }, services: [{ name: 'reviews', namespace: 'default', ports: [{ port, endpoints: [] }] }] });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const cp = new FakeControlPlane();
  await cp.start();
  const clock = new FakeClock();
  const source = new ControlPlaneSource({ address: `127.0.0.1:${cp.port}`, identity, clock, log: silentLogger, random: () => 0, backoff: { baseMs: 200, maxMs: 1000 } });
  const applied: ProxyConfig[] = [];
  source.onConfig((c) => applied.push(c));
  cleanups.push(() => cp.stop(), () => source.stop());
  source.start();
  await vi.waitFor(() => expect(cp.received[0]?.hello).toBeDefined());
  return { cp, clock, source, applied };
}

describe('ControlPlaneSource', () => {
  it('identifies itself, validates and applies a config, ACKs it by nonce, and reports ready, version and age', async () => {
    const { cp, clock, source, applied } = await setup();
    expect(cp.received[0]!.hello!.identity).toMatchObject({ pod: 'web-1', namespace: 'default', labels: { app: 'web' } });
    expect(source.ready).toBe(false);
    cp.send(toDocument(config('v1')), 'v1', 'n1');
    await vi.waitFor(() => expect(cp.replies()).toHaveLength(1));
    expect(cp.replies()[0]!.ack).toEqual({ nonce: 'n1', version: 'v1' });
    expect(applied.map((c) => c.version)).toEqual(['v1']);
    expect(source.ready).toBe(true);
    await clock.advance(1500);
    expect(source.status()).toMatchObject({ connected: true, version: 'v1', ageMs: 1500 });
  });

  it('NACKs an invalid config with the validator message naming the field, and keeps the previous one', async () => {
    const { cp, source, applied } = await setup();
    cp.send(toDocument(config('v1')), 'v1', 'n1');
    const bad = toDocument(config('v2')) as { services: { ports: { port: number }[] }[] };
    bad.services[0]!.ports[0]!.port = 70000;
    cp.send(bad, 'v2', 'n2');
    await vi.waitFor(() => expect(cp.replies()).toHaveLength(2));
    expect(cp.replies()[1]!.nack).toMatchObject({ nonce: 'n2', version: 'v2' });
    expect(cp.replies()[1]!.nack!.error).toContain('services[0].ports[0].port');
    expect(applied.map((c) => c.version)).toEqual(['v1']);
    expect(source.current()?.version).toBe('v1');
    expect(source.status().nacks).toBe(1);
  });

  it('start() resolves with the first accepted config, with local listener addresses winning over the pushed ones', async () => {
    const cp = new FakeControlPlane();
    await cp.start();
    const source = new ControlPlaneSource({ address: `127.0.0.1:${cp.port}`, identity, clock: new FakeClock(), log: silentLogger, listeners: { outbound: { address: '127.0.0.1', port: 0 } } });
    cleanups.push(() => cp.stop(), () => source.stop());
    const errors: string[] = [];
    source.onError((e) => errors.push(e.code));
    const first = source.start();
    await vi.waitFor(() => expect(cp.received[0]?.hello).toBeDefined());
    cp.send({ not: 'a config' }, 'v0', 'n0');
    cp.send(toDocument(config('v1')), 'v1', 'n1');
    const c = await first;
    expect(c.version).toBe('v1');
    expect(c.listeners.outbound).toEqual({ address: '127.0.0.1', port: 0 });
    expect(c.listeners.admin.port).toBe(15000);
    expect(errors).toEqual(['WEFT_CONFIG_INVALID']);
  });

  it('reads its identity from flags, else the pod environment', () => {
    expect(identityFrom({}, { POD_NAME: 'web-1', POD_NAMESPACE: 'shop', SERVICE_ACCOUNT: 'web', POD_IP: '10.0.0.1', WEFT_LABELS: 'app=web, version=v2' })).toEqual({
      pod: 'web-1', namespace: 'shop', serviceAccount: 'web', workload: 'web-1', labels: { app: 'web', version: 'v2' }, podIp: '10.0.0.1',
    });
    expect(identityFrom({ pod: 'x', workload: 'w', namespace: 'n' }, {})).toMatchObject({ pod: 'x', workload: 'w', namespace: 'n', serviceAccount: 'default', labels: {} });
  });

  it('NACKs a config the sidecar cannot apply (a listener throws)', async () => {
    const { cp, source } = await setup();
    source.onConfig(() => {
      throw new Error('cannot bind 15001');
    });
    cp.send(toDocument(config('v1')), 'v1', 'n1');
    await vi.waitFor(() => expect(cp.replies()[0]?.nack?.error).toBe('cannot bind 15001'));
    expect(source.ready).toBe(false);
  });

  it('ACKs a resent version it already runs without applying it again', async () => {
    const { cp, applied } = await setup();
    cp.send(toDocument(config('v1')), 'v1', 'n1');
    cp.send(toDocument(config('v1')), 'v1', 'n2');
    await vi.waitFor(() => expect(cp.replies()).toHaveLength(2));
    expect(cp.replies()[1]!.ack).toEqual({ nonce: 'n2', version: 'v1' });
    expect(applied).toHaveLength(1);
  });

  it('keeps the last good config while the control plane is away and reconnects with growing backoff', async () => {
    const { cp, clock, source } = await setup();
    cp.send(toDocument(config('v1')), 'v1', 'n1');
    await vi.waitFor(() => expect(source.ready).toBe(true));
    const port = cp.port;
    cp.stop();
    await vi.waitFor(() => expect(source.status().retryInMs).toBe(100));
    expect(source.current()?.version).toBe('v1');
    expect(source.status().connected).toBe(false);
    await clock.advance(100);
    await vi.waitFor(() => expect(source.status().retryInMs).toBe(200));
    await clock.advance(200);
    await vi.waitFor(() => expect(source.status().retryInMs).toBe(400));
    await cp.start(port);
    await clock.advance(400);
    await vi.waitFor(() => expect(cp.received.filter((m) => m.hello)).toHaveLength(2));
    expect(cp.received.at(-1)!.hello!.currentVersion).toBe('v1');
    cp.send(toDocument(config('v2', 9090)), 'v2', 'n9');
    await vi.waitFor(() => expect(source.current()?.version).toBe('v2'));
    expect(source.status()).toMatchObject({ connected: true, reconnects: 3 });
  });
});
