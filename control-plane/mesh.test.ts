import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../common/clock.js';
import { builtEntry } from '../common/testing/built-entry.js';
import { silentLogger } from '../common/log.js';
import { ControlPlane } from './app.js';
import { FakeApiServer } from './testing/fake-apiserver.js';

const SVC = '/api/v1/services';
const EPS = '/apis/discovery.k8s.io/v1/endpointslices';
const TP = '/apis/policy.weft.dev/v1alpha1/trafficpolicies';
const HR = '/apis/gateway.networking.k8s.io/v1/httproutes';
const sidecarMain = builtEntry('sidecar/main.js');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An upstream app that says who it is. */
async function app(name: string): Promise<number> {
  const server: Server = createServer((_req, res) => res.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIPs: ['10.96.0.9'], ports: [{ name: 'http', port: 9080 }] } });
const slice = (svc: string, ports: number[]) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${svc}-slice`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
  addressType: 'IPv4',
  // One port number per slice, so each local app gets its own slice.
  ports: [{ name: 'http', port: ports[0] }],
  endpoints: ports.length ? [{ addresses: ['127.0.0.1'], conditions: { ready: true } }] : [],
});

function startSidecar(grpcPort: number, pod: string): { child: ChildProcess; ports: Promise<{ outbound: number; admin: number }> } {
  const env = { ...process.env, POD_NAME: pod, POD_NAMESPACE: 'default', WEFT_OUTBOUND: '127.0.0.1:0', WEFT_INBOUND: '127.0.0.1:0', WEFT_ADMIN: '127.0.0.1:0' };
  const child = spawn(process.execPath, [sidecarMain.pathname, '--control-plane', `127.0.0.1:${grpcPort}`], { stdio: ['ignore', 'pipe', 'pipe'], env });
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  const ports = new Promise<{ outbound: number; admin: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"msg":"weft-sidecar'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`sidecar exited ${code}: ${out}`)));
  });
  return { child, ports };
}

/** fetch() will not send a Host header of our choosing, so a plain http.request, as an app would. */
function get(outbound: number, host: string): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: outbound, path: '/', headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, error: res.headers['x-weft-error'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('control plane + real weft-sidecar processes (fake API server, real sockets)', () => {
  it('endpoint changes, a TrafficPolicy and an HTTPRoute change real traffic through every connected sidecar; a bad policy keeps the previous one', async () => {
    const api = new FakeApiServer();
    await api.start();
    api.discovery.set('/apis/policy.weft.dev/v1alpha1', ['trafficpolicies']);
    api.discovery.set('/apis/gateway.networking.k8s.io/v1', ['httproutes', 'grpcroutes']);
    const [v1, v2] = [await app('reviews-v1'), await app('reviews-v2')];
    api.upsert(SVC, service('reviews'));
    api.upsert(SVC, service('reviews-v2'));
    api.upsert(EPS, slice('reviews', [v1]));
    api.upsert(EPS, slice('reviews-v2', [v2]));
    const cp = new ControlPlane({ client: api.client(), clock: systemClock, log: silentLogger, grpc: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, debounce: { quietMs: 20, maxMs: 200 } });
    cleanups.push(() => api.stop(), () => cp.stop());
    await cp.start();

    const sidecars = await Promise.all(['client-a', 'client-b'].map(async (pod) => (await startSidecar(cp.ports.grpc, pod).ports).outbound));
    const host = 'reviews.default.svc.cluster.local:9080';
    const everywhere = async (check: (r: Awaited<ReturnType<typeof get>>) => void) => {
      for (const outbound of sidecars) await vi.waitFor(async () => check(await get(outbound, host)), { timeout: 10_000, interval: 100 });
    };
    await everywhere((r) => expect(r.body).toBe('reviews-v1'));

    // The endpoints move (a rollout): every sidecar follows.
    api.upsert(EPS, slice('reviews', [v2]));
    await everywhere((r) => expect(r.body).toBe('reviews-v2'));
    api.upsert(EPS, slice('reviews', [v1]));
    await everywhere((r) => expect(r.body).toBe('reviews-v1'));

    // A TrafficPolicy injecting faults changes behaviour; an invalid edit is refused and the fault stays.
    const policy = (generation: number, spec: Record<string, unknown>) => ({ apiVersion: 'policy.weft.dev/v1alpha1', kind: 'TrafficPolicy', metadata: { name: 'chaos', namespace: 'default', generation }, spec: { targetRef: { kind: 'Service', name: 'reviews' }, ...spec } });
    api.upsert(TP, policy(1, { fault: { abort: { percent: 100, status: 503 } } }));
    await everywhere((r) => expect(r).toMatchObject({ status: 503, error: 'WEFT_FAULT_INJECTED' }));
    api.upsert(TP, policy(2, { fault: { abort: { percent: 100, status: 503 } }, timeouts: { request: '1s', perTry: '2s' } }));
    await vi.waitFor(() => expect((api.get(TP, 'default/chaos')?.status as { conditions: { reason: string }[] } | undefined)?.conditions[0]?.reason).toBe('Invalid'));
    for (const outbound of sidecars) expect((await get(outbound, host)).error).toBe('WEFT_FAULT_INJECTED');
    api.remove(TP, 'default', 'chaos');
    await everywhere((r) => expect(r.body).toBe('reviews-v1'));

    // An HTTPRoute on the Service sends everything to v2, then back.
    const route = (w1: number, w2: number) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'canary', namespace: 'default', generation: 1 },
      spec: { parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080, weight: w1 }, { name: 'reviews-v2', port: 9080, weight: w2 }] }] },
    });
    api.upsert(HR, route(0, 1));
    await everywhere((r) => expect(r.body).toBe('reviews-v2'));
    api.remove(HR, 'default', 'canary');
    await everywhere((r) => expect(r.body).toBe('reviews-v1'));
  });

  it('traffic keeps flowing on the last config while the control plane is down, and a new control plane resyncs the sidecar', async () => {
    const api = new FakeApiServer();
    await api.start();
    cleanups.push(() => api.stop());
    const [v1, v2] = [await app('v1'), await app('v2')];
    api.upsert(SVC, service('reviews'));
    api.upsert(EPS, slice('reviews', [v1]));
    const first = new ControlPlane({ client: api.client(), clock: systemClock, log: silentLogger, grpc: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, debounce: { quietMs: 20, maxMs: 200 } });
    await first.start();
    const grpcPort = first.ports.grpc;
    const { outbound } = await startSidecar(grpcPort, 'client-a').ports;
    const host = 'reviews.default.svc.cluster.local:9080';
    await vi.waitFor(async () => expect((await get(outbound, host)).body).toBe('v1'), { timeout: 10_000 });
    await first.stop();
    for (let i = 0; i < 5; i++) expect((await get(outbound, host)).body).toBe('v1');
    // While it is away the cluster changes; the restarted control plane (same address) brings the sidecar up to date.
    api.upsert(EPS, slice('reviews', [v2]));
    const second = new ControlPlane({ client: api.client(), clock: systemClock, log: silentLogger, grpc: { host: '127.0.0.1', port: grpcPort }, admin: { host: '127.0.0.1', port: 0 }, debounce: { quietMs: 20, maxMs: 200 } });
    cleanups.push(() => second.stop());
    await second.start();
    await vi.waitFor(async () => expect((await get(outbound, host)).body).toBe('v2'), { timeout: 20_000, interval: 200 });
    expect(second.server.connected).toBe(1);
  });
});
