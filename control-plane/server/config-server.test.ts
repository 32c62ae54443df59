import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configService } from '../../common/api/load.js';
import { decodePayload } from '../../common/api/payload.js';
import type { ConfigUpdateMessage, ProxyMessage } from '../../common/api/wire.js';
import { parseProxyConfig, type ProxyConfig } from '../../common/config/index.js';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import { ConfigServer, type ConfigServerOptions } from './config-server.js';
import type { ProxyIdentity } from '../state/proxy-identity.js';

const identity = { pod: 'web-1', namespace: 'default', serviceAccount: 'web', workload: 'web', labels: { app: 'web' }, podIp: '10.0.0.5' };

function configWith(endpoints: number, node: ProxyIdentity): ProxyConfig {
  return parseProxyConfig({
    node: { workload: node.workload, namespace: node.namespace, serviceAccount: node.serviceAccount, pod: node.pod },
    services: [{ name: 'reviews', namespace: 'default', ports: [{ port: 9080, endpoints: Array.from({ length: endpoints }, (_, i) => ({ address: `10.1.0.${i + 1}`, port: 9080 })) }] }],
  });
}

/** A raw sidecar: records updates and replies however the test says. */
class RawProxy {
  readonly updates: ConfigUpdateMessage[] = [];
  status?: grpc.StatusObject;
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<ProxyMessage, ConfigUpdateMessage>;

  constructor(port: number, hello: ProxyMessage | undefined, reply?: (u: ConfigUpdateMessage) => ProxyMessage | undefined) {
    const Client = configService();
    this.client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    this.call = (this.client as unknown as { streamConfig(): grpc.ClientDuplexStream<ProxyMessage, ConfigUpdateMessage> }).streamConfig();
    this.call.on('data', (u: ConfigUpdateMessage) => {
      this.updates.push(u);
      const r = reply?.(u);
      if (r) this.call.write(r);
    });
    this.call.on('error', () => undefined);
    this.call.on('status', (s) => (this.status = s));
    if (hello) this.call.write(hello);
  }

  send(m: ProxyMessage): void {
    this.call.write(m);
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

const ack = (u: ConfigUpdateMessage): ProxyMessage => ({ ack: { nonce: u.nonce, version: u.version } });
const nack = (u: ConfigUpdateMessage): ProxyMessage => ({ nack: { nonce: u.nonce, version: u.version, error: 'services[0]: boom' } });
const hello: ProxyMessage = { hello: { identity, currentVersion: '' } };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startServer(overrides: Partial<ConfigServerOptions> & { endpoints?: { n: number } } = {}) {
  const clock = new FakeClock();
  const metrics = new ControlPlaneMetrics();
  const state = overrides.endpoints ?? { n: 1 };
  const seen: ProxyIdentity[] = [];
  const server = new ConfigServer({
    generate: (id) => {
      seen.push(id);
      return configWith(state.n, id);
    },
    clock,
    log: silentLogger,
    metrics,
    ...overrides,
  });
  const port = await server.listen('127.0.0.1', 0);
  cleanups.push(() => server.stop(500));
  return { server, port, clock, metrics, state, seen };
}

function proxy(port: number, m: ProxyMessage | undefined, reply?: (u: ConfigUpdateMessage) => ProxyMessage | undefined): RawProxy {
  const p = new RawProxy(port, m, reply);
  cleanups.push(() => p.close());
  return p;
}

const value = async (c: { get(): Promise<{ values: { value: number }[] }> }) => (await c.get()).values.reduce((a, v) => a + v.value, 0);

describe('ConfigServer', () => {
  it('sends nothing until cluster state is ready, then a validated, versioned snapshot for exactly that proxy', async () => {
    const { server, port, seen } = await startServer();
    const p = proxy(port, hello, ack);
    await vi.waitFor(() => expect(server.connected).toBe(1));
    expect(p.updates).toHaveLength(0);
    server.setReady();
    await vi.waitFor(() => expect(p.updates).toHaveLength(1));
    expect(seen[0]).toEqual(identity);
    const u = p.updates[0]!;
    const config = parseProxyConfig(JSON.parse(decodePayload(u)));
    expect(config.version).toBe(u.version);
    expect(config.node.pod).toBe('web-1');
    await vi.waitFor(() => expect(server.proxies()[0]!.acked).toBe(u.version));
  });

  it('debounces a burst of changes into one push and skips proxies whose config did not change', async () => {
    const { server, port, clock, state, metrics } = await startServer();
    server.setReady();
    const p = proxy(port, hello, ack);
    await vi.waitFor(() => expect(server.proxies()[0]?.acked).toBeDefined());
    for (let i = 2; i <= 6; i++) {
      state.n = i;
      server.changed(clock.wallNow());
      await clock.advance(20);
    }
    expect(p.updates).toHaveLength(1);
    await clock.advance(100);
    await vi.waitFor(() => expect(p.updates).toHaveLength(2));
    expect(JSON.parse(decodePayload(p.updates[1]!)).services[0].ports[0].endpoints).toHaveLength(6);
    server.changed();
    await clock.advance(200);
    await vi.waitFor(() => expect(server.proxies()[0]!.unacknowledged).toBe(0));
    expect(p.updates).toHaveLength(2);
    expect(await value(metrics.pushes)).toBe(2);
    expect(await value(metrics.acks)).toBe(2);
  });

  it('parks a NACKed version (no resend loop), counts it, and sends again only when the config changes', async () => {
    const { server, port, clock, state, metrics } = await startServer();
    server.setReady();
    const p = proxy(port, hello, nack);
    await vi.waitFor(async () => expect(await value(metrics.nacks)).toBe(1));
    for (let i = 0; i < 5; i++) {
      server.changed();
      await clock.advance(150);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(p.updates).toHaveLength(1);
    state.n = 3;
    server.changed();
    await clock.advance(150);
    await vi.waitFor(() => expect(p.updates).toHaveLength(2));
    expect(p.updates[1]!.version).not.toBe(p.updates[0]!.version);
    await vi.waitFor(async () => expect(await value(metrics.nacks)).toBe(2));
  });

  it('resets the stream of a sidecar that leaves more than queueLimit updates unacknowledged, and counts it', async () => {
    const { server, port, clock, state, metrics } = await startServer({ queueLimit: 3 });
    server.setReady();
    const p = proxy(port, hello);
    await vi.waitFor(() => expect(p.updates).toHaveLength(1));
    for (let i = 2; i <= 5; i++) {
      state.n = i;
      server.changed();
      await clock.advance(150);
    }
    await vi.waitFor(() => expect(p.status?.code).toBe(grpc.status.RESOURCE_EXHAUSTED));
    expect(p.updates).toHaveLength(3);
    expect(await value(metrics.queueOverflows)).toBe(1);
    await vi.waitFor(() => expect(server.connected).toBe(0));
  });

  it('measures propagation from the watch event to the ACK', async () => {
    const { server, port, clock, state, metrics } = await startServer();
    server.setReady();
    proxy(port, hello, ack);
    await vi.waitFor(() => expect(server.proxies()[0]?.acked).toBeDefined());
    const observed = clock.wallNow();
    state.n = 2;
    server.changed(observed);
    await clock.advance(250);
    await vi.waitFor(async () => expect((await metrics.propagation.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1));
    const sum = (await metrics.propagation.get()).values.find((v) => v.metricName?.endsWith('_sum'))!.value;
    expect(sum).toBeCloseTo(0.25, 2);
  });

  it('refuses streams the authenticator rejects, and ones that never say who they are', async () => {
    const { server, port, clock, metrics } = await startServer({
      authenticator: { authenticate: async (r) => (r.metadata.get('x-token')[0] === 'ok' ? undefined : Promise.reject(new Error('bad token'))) },
    });
    server.setReady();
    const denied = proxy(port, hello);
    await vi.waitFor(() => expect(denied.status?.code).toBe(grpc.status.UNAUTHENTICATED));
    expect(denied.status?.details).toContain('bad token');
    const silent = proxy(port, undefined);
    // The server arms its hello deadline on the fake clock only once the stream reaches it, which
    // takes a while on a loaded machine: keep moving the clock until the deadline has fired.
    await vi.waitFor(async () => {
      await clock.advance(10_000);
      expect(silent.status?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    });
    const anonymous = proxy(port, { hello: { currentVersion: '' } });
    await vi.waitFor(() => expect(anonymous.status?.code).toBe(grpc.status.INVALID_ARGUMENT));
    expect(denied.updates).toHaveLength(0);
    expect(await value(metrics.rejectedStreams)).toBe(3);
    expect(server.connected).toBe(0);
  });

  it('tracks connected proxies and forgets closed streams', async () => {
    const { server, port, metrics } = await startServer();
    const a = proxy(port, hello, ack);
    proxy(port, { hello: { identity: { ...identity, pod: 'web-2' }, currentVersion: '' } }, ack);
    await vi.waitFor(() => expect(server.connected).toBe(2));
    expect(await value(metrics.connectedProxies)).toBe(2);
    a.close();
    await vi.waitFor(() => expect(server.connected).toBe(1));
    expect(server.proxies().map((s) => s.key)).toEqual(['default/web-2']);
  });
});
