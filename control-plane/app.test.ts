import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../common/clock.js';
import type { ProxyConfig } from '../common/config/types.js';
import { silentLogger } from '../common/log.js';
import { ControlPlaneSource } from '../sidecar/config-source/control-plane.js';
import { ControlPlane } from './app.js';
import { FakeApiServer } from './testing/fake-apiserver.js';

const SVC = '/api/v1/services';
const EPS = '/apis/discovery.k8s.io/v1/endpointslices';
const TP = '/apis/policy.weft.dev/v1alpha1/trafficpolicies';
const HR = '/apis/gateway.networking.k8s.io/v1/httproutes';

const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIPs: ['10.96.0.1'], selector: { app: name }, ports: [{ name: 'http', port: 9080, targetPort: 8080 }] } });
const slice = (svc: string, ips: string[]) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${svc}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080 }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
});
const policy = (generation: number, timeouts: Record<string, string>) => ({
  apiVersion: 'policy.weft.dev/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'reviews-timeouts', namespace: 'default', generation },
  spec: { targetRef: { kind: 'Service', name: 'reviews' }, timeouts },
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ControlPlane against a fake API server, with a real sidecar config client', () => {
  it('pushes endpoint and policy changes, refuses a bad policy in its status while the last good one stays, and serves health and metrics', async () => {
    const api = new FakeApiServer();
    await api.start();
    api.discovery.set('/apis/policy.weft.dev/v1alpha1', ['trafficpolicies']);
    api.discovery.set('/apis/gateway.networking.k8s.io/v1', ['httproutes', 'grpcroutes']);
    api.upsert(SVC, service('reviews'));
    api.upsert(SVC, service('reviews-v2'));
    api.upsert(EPS, slice('reviews', ['10.1.0.1']));
    api.upsert(EPS, slice('reviews-v2', ['10.1.1.1']));
    const cp = new ControlPlane({ client: api.client(), clock: systemClock, log: silentLogger, grpc: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, debounce: { quietMs: 20, maxMs: 200 } });
    cleanups.push(() => api.stop(), () => cp.stop());
    await cp.start();

    const admin = `http://127.0.0.1:${cp.ports.admin}`;
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${admin}/readyz`)).status).toBe(200);

    let config: ProxyConfig | undefined;
    const sidecar = new ControlPlaneSource({ address: `127.0.0.1:${cp.ports.grpc}`, identity: { pod: 'productpage-1', namespace: 'default', serviceAccount: 'default', workload: 'productpage', labels: {}, podIp: '' }, clock: systemClock, log: silentLogger });
    sidecar.onConfig((c) => (config = c));
    cleanups.push(() => sidecar.stop());
    sidecar.start();
    const reviews = () => config?.services.find((s) => s.name === 'reviews');
    const endpoints = () => reviews()?.ports[0]?.endpoints.map((e) => e.address);
    await vi.waitFor(() => expect(endpoints()).toEqual(['10.1.0.1']));

    // Scale up: the sidecar sees the new endpoints.
    api.upsert(EPS, slice('reviews', ['10.1.0.1', '10.1.0.2', '10.1.0.3']));
    await vi.waitFor(() => expect(endpoints()).toEqual(['10.1.0.1', '10.1.0.2', '10.1.0.3']));

    // A valid policy applies and is Accepted in its status.
    api.upsert(TP, policy(1, { request: '3s' }));
    await vi.waitFor(() => expect(reviews()?.policy.timeouts.requestMs).toBe(3000));
    const statusOf = () => (api.get(TP, 'default/reviews-timeouts')?.status as { conditions: { status: string; reason: string; message: string; observedGeneration: number }[] } | undefined)?.conditions[0];
    await vi.waitFor(() => expect(statusOf()).toMatchObject({ status: 'True', reason: 'Accepted', observedGeneration: 1 }));

    // An impossible edit is refused in status; traffic keeps the previous policy.
    const versionBefore = sidecar.current()?.version;
    api.upsert(TP, policy(2, { request: '1s', perTry: '5s' }));
    await vi.waitFor(() => expect(statusOf()).toMatchObject({ status: 'False', reason: 'Invalid', observedGeneration: 2 }));
    expect(statusOf()!.message).toContain('spec.timeouts.perTry: must not be longer than timeouts.request');
    expect(reviews()?.policy.timeouts.requestMs).toBe(3000);
    expect(sidecar.current()?.version).toBe(versionBefore);

    // Deleting the policy restores the defaults.
    api.remove(TP, 'default', 'reviews-timeouts');
    await vi.waitFor(() => expect(reviews()?.policy.timeouts.requestMs).toBe(15_000));

    // An HTTPRoute on the Service (GAMMA) reaches the sidecar, with its status written per parent.
    api.upsert(HR, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'canary', namespace: 'default', generation: 1 },
      spec: { parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080, weight: 80 }, { name: 'reviews-v2', port: 9080, weight: 20 }] }] },
    });
    await vi.waitFor(() => expect(reviews()?.routes[0]?.backends.map((b) => b.weight)).toEqual([80, 20]));
    await vi.waitFor(() => expect((api.get(HR, 'default/canary')?.status as { parents: unknown[] } | undefined)?.parents).toHaveLength(1));

    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(metrics).toMatch(/weft_cp_connected_proxies 1/);
    expect(metrics).toMatch(/weft_cp_acks_total [1-9]/);
    expect(metrics).toMatch(/weft_cp_propagation_seconds_count [1-9]/);
    expect(metrics).toMatch(/weft_cp_informer_synced\{resource="Service"\} 1/);
  });

  it('is not ready and sends no config until every watched resource has been listed', async () => {
    const api = new FakeApiServer();
    await api.start();
    api.failNext(SVC, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500);
    const cp = new ControlPlane({ client: api.client(), clock: systemClock, log: silentLogger, grpc: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => api.stop(), () => cp.stop());
    const started = cp.start();
    await vi.waitFor(() => expect(cp.ports.grpc).toBeGreaterThan(0));
    expect((await fetch(`http://127.0.0.1:${cp.ports.admin}/readyz`)).status).toBe(503);
    expect(cp.server.isReady).toBe(false);
    void started.catch(() => undefined);
  });
});
