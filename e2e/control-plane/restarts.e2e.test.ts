/**
 * What survives restarts on the real cluster: a SIGKILLed control plane leaves traffic on the last
 * config and resyncs every sidecar when it comes back; a kube-apiserver restart loses no update.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiserver, stopApiserver } from '../cluster/apiserver.js';
import { poll } from '../cluster/kube.js';
import { applyPolicy, deleteNamespace, echoService, hostOf, kubectl, prepare, readyPods, remove, scale, type Condition } from './objects.js';
import { kill, startControlPlane, startMesh, stopAll, type Started } from './processes.js';
import { get, podsReached, readyEndpointPods, sidecarConfig, untilEverySidecar } from './requests.js';

const ns = `e2e-cp-restarts-${randomBytes(3).toString('hex')}`;
const host = hostOf('store', ns);
const wait = { timeoutMs: 90_000, intervalMs: 250 };
const sidecars: { outbound: number; admin: number }[] = [];
let cp: Started<{ grpc: number; admin: number }>;


beforeAll(async () => {
  await prepare(ns);
  await echoService(ns, 'store', 1);
  const mesh = await startMesh(ns, 'cp-restarts', ['client-a', 'client-b']);
  cp = mesh.cp;
  sidecars.push(...mesh.sidecars);
  const pods = await readyPods(ns, 'store', 1);
  await untilEverySidecar(sidecars, host, 'the store pod', (r) => r.status === 200 && r.pod === pods[0]);
}, 300_000);

afterAll(async () => {
  await stopAll();
  await deleteNamespace(ns);
});

describe('control plane on the real cluster: restarts', () => {
  it('a SIGKILLed control plane leaves traffic flowing on the last config; restarted, it resyncs every sidecar with what changed meanwhile', async () => {
    const [pod] = await readyPods(ns, 'store', 1);
    const versions = await Promise.all(sidecars.map(async (s) => (await sidecarConfig(s.admin))?.version));
    const grpcPort = cp.ports.grpc;
    await kill(cp.child);

    // Changed while no control plane runs: the sidecars cannot know yet and keep serving.
    await applyPolicy(ns, 'outage', 'store', { fault: { abort: { percent: 100, status: 503 } } });
    for (const s of sidecars) expect(await podsReached(s.outbound, host, 10)).toEqual([pod]);
    expect(await Promise.all(sidecars.map(async (s) => (await sidecarConfig(s.admin))?.version))).toEqual(versions);

    cp = await startControlPlane({ leaseNamespace: ns, id: 'cp-restarts-2', grpcPort });
    await untilEverySidecar(sidecars, host, 'the policy made while the control plane was down', (r) => r.status === 503 && r.error === 'WEFT_FAULT_INJECTED');
    await remove(ns, 'trafficpolicy', 'outage');
    await untilEverySidecar(sidecars, host, 'the app again', (r) => r.status === 200 && r.pod === pod);
  });

  it('restarting kube-apiserver loses no update: changes around the restart all reach the sidecars', async () => {
    await echoService(ns, 'doomed', 0);
    for (const s of sidecars) await poll(async () => ((await readyEndpointPods(s.admin, ns, 'doomed')) ? true : undefined), { what: 'Service doomed in the sidecar config', ...wait });

    // A change racing the stop, then the API server is down (traffic keeps its config), then changes
    // made the moment it is back, before the control plane's watches have reconnected.
    await applyPolicy(ns, 'flaky', 'store', { fault: { abort: { percent: 100, status: 500 } } });
    await stopApiserver();
    try {
      for (const s of sidecars) expect([200, 500]).toContain((await get(s.outbound, host)).status);
    } finally {
      await startApiserver();
    }
    await applyPolicy(ns, 'flaky', 'store', { fault: { abort: { percent: 100, status: 502 } } });
    await remove(ns, 'service', 'doomed');
    await scale(ns, 'store', 2);

    // The final state everywhere: the last policy, the deleted Service gone, both replicas as endpoints.
    await untilEverySidecar(sidecars, host, 'the policy edited after the restart', (r) => r.status === 502 && r.error === 'WEFT_FAULT_INJECTED');
    const pods = await readyPods(ns, 'store', 2);
    for (const s of sidecars) {
      await poll(async () => {
        const held = await readyEndpointPods(s.admin, ns, 'store');
        const doomed = await readyEndpointPods(s.admin, ns, 'doomed');
        return JSON.stringify(held) === JSON.stringify(pods) && doomed === undefined ? true : undefined;
      }, { what: `sidecar :${s.admin} with both store pods and without doomed`, ...wait });
    }
    const status = await poll(async () => {
      const tp = await kubectl.json<{ metadata: { generation: number }; status?: { conditions?: Condition[] } }>(['-n', ns, 'get', 'trafficpolicy', 'flaky']);
      const accepted = tp.status?.conditions?.find((c) => c.type === 'Accepted');
      return accepted?.observedGeneration === tp.metadata.generation ? accepted : undefined;
    }, { what: 'the status of the latest generation', ...wait });
    expect(status.status).toBe('True');
    // The control plane's watches did break and recover (not a lucky quiet period).
    const metrics = await (await fetch(`http://127.0.0.1:${cp.ports.admin}/metrics`)).text();
    expect(metrics).toMatch(/weft_cp_informer_restarts_total\{[^}]*\} [1-9]/);
  });
});
