/**
 * The control-plane benchmark on a real API server: N selector-less Services with an EndpointSlice
 * of M endpoints each in a namespace of their own, a real weft-control-plane process watching the
 * cluster, P simulated proxies. Each change is a PATCH of one EndpointSlice (an endpoint's
 * readiness); a proxy's sample is the time from sending the PATCH to the arrival of the first
 * update whose document carries the new readiness. Documents are looked into after they arrived,
 * so looking does not delay the arrival times.
 */
import { join } from 'node:path';
import type { ConfigUpdateMessage } from '../../common/api/wire.js';
import type { KubeClient } from '../../control-plane/kube/client.js';
import { start, stop, waitForLine } from '../lib/processes.js';
import type { ControlPlaneRun } from '../lib/results.js';
import { forEachBounded } from './bounded.js';
import { benchService, benchSlice, changedSlice, endpointAddress } from './cluster-objects.js';
import { endpointReadyInUpdate } from './endpoint-in-config.js';
import type { FanoutSize } from './measure-changes.js';
import { controlPlaneRun, measureChanges, until } from './measure-changes.js';
import { SimulatedProxy } from './simulated-proxy.js';

export interface ApiServerBench {
  kube: KubeClient;
  kubeconfig: string;
  /** Logs of the control-plane processes. */
  dir: string;
  changes: number;
  /** Bound of every wait (first configs, each change). */
  waitSec: number;
  log: (line: string) => void;
  /** Extra node flags for the control plane (`--cpu-prof ...` for a profiled run). */
  nodeFlags?: string[];
}

const CREATE_CONCURRENCY = 16;

const slicePath = (ns: string, name = ''): string => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices${name ? `/${name}` : ''}`;

/** Create the namespace and its N Services and N EndpointSlices (bounded concurrency, progress printed). */
export async function createBenchObjects(b: ApiServerBench, ns: string, services: number, endpoints: number): Promise<void> {
  await b.kube.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': 'weft-bench' } } } });
  const deadlineMs = Math.max(120_000, services * 200);
  const progress = (what: string) => (done: number, total: number) => b.log(`    ${ns}: ${done}/${total} ${what}`);
  const indexes = Array.from({ length: services }, (_, i) => i);
  await forEachBounded(indexes, async (i) => void (await b.kube.request('POST', `/api/v1/namespaces/${ns}/services`, { body: benchService(ns, i) })), { concurrency: CREATE_CONCURRENCY, deadlineMs, progress: progress('Services') });
  await forEachBounded(indexes, async (i) => void (await b.kube.request('POST', slicePath(ns), { body: benchSlice(ns, i, endpoints) })), { concurrency: CREATE_CONCURRENCY, deadlineMs, progress: progress('EndpointSlices') });
}

/** Delete the namespace and wait (bounded) until it is gone. */
export async function deleteBenchNamespace(b: ApiServerBench, ns: string, waitMs = 180_000): Promise<void> {
  await b.kube.request('DELETE', `/api/v1/namespaces/${ns}`).catch((err: unknown) => b.log(`    could not delete namespace ${ns}: ${(err as Error).message}`));
  const deadline = performance.now() + waitMs;
  while (performance.now() < deadline) {
    const gone = await b.kube.request('GET', `/api/v1/namespaces/${ns}`).then(
      () => false,
      (err: { status?: number }) => err.status === 404,
    );
    if (gone) return b.log(`    namespace ${ns} deleted`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  b.log(`    namespace ${ns} still terminating after ${waitMs / 1000} s; the namespace controller finishes it`);
}

/** Arrival time of the first update a proxy received that carries `address` with readiness `ready`; each update is decoded once. */
function firstCarrying(p: SimulatedProxy, address: string, ready: boolean, looked: WeakMap<ConfigUpdateMessage, boolean | undefined>): number | undefined {
  const i = p.updates.findIndex((u) => {
    if (!looked.has(u)) looked.set(u, endpointReadyInUpdate(u, address));
    return looked.get(u) === ready;
  });
  return i < 0 ? undefined : p.arrivals[i];
}

/** One measurement: a fresh control plane, P proxies, `changes` EndpointSlice PATCHes in namespace `ns` (objects already there). */
export async function measureApiServer(b: ApiServerBench, ns: string, size: FanoutSize): Promise<ControlPlaneRun> {
  const waitMs = b.waitSec * 1000;
  const name = `cp-apiserver-${size.services}x${size.endpointsPerService}-p${size.proxies}`;
  const args = [...(b.nodeFlags ?? []), join('dist', 'control-plane', 'main.js'), '--kubeconfig', b.kubeconfig, '--grpc-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0', '--no-leader-election'];
  const cp = start(name, process.execPath, args, { logFile: join(b.dir, `${name}.log`) });
  const proxies: SimulatedProxy[] = [];
  try {
    const port = await waitForLine(cp, (line) => (line.includes('control plane listening') ? (JSON.parse(line) as { grpc: number }).grpc : undefined), waitMs);
    for (let i = 0; i < size.proxies; i++) proxies.push(new SimulatedProxy(`127.0.0.1:${port}`, i, true));
    // The first config must already hold the benchmark's objects: the watch has listed them.
    const initial = endpointAddress(0, 0);
    const ready = () => proxies.every((p) => p.updates.some((u) => endpointReadyInUpdate(u, initial) !== undefined));
    if (!(await until(() => proxies.every((p) => p.arrivals.length > 0), waitMs)) || !ready()) throw new Error(`${name}: not every proxy got a first config with the benchmark's services within ${waitMs} ms`);
    b.log(`    ${name}: control plane pid ${cp.pid}, ${size.proxies} proxies have their first config`);
    let looked = new WeakMap<ConfigUpdateMessage, boolean | undefined>();
    const measured = await measureChanges({
      name,
      pid: cp.pid,
      proxies,
      changes: b.changes,
      waitMs,
      apply: async (k) => {
        looked = new WeakMap();
        const change = changedSlice(ns, size.endpointsPerService, k);
        const t0 = performance.timeOrigin + performance.now();
        await b.kube.request('PATCH', slicePath(ns, change.slice.metadata.name), { body: { endpoints: change.slice.endpoints }, contentType: 'application/merge-patch+json' });
        return t0;
      },
      arrival: (p, k) => {
        const change = changedSlice(ns, size.endpointsPerService, k);
        return firstCarrying(p, change.address, change.ready, looked);
      },
      log: b.log,
    });
    return controlPlaneRun('api-server', size, b.changes, measured, `${cp.command}  # in the cluster's network namespace; plus ${size.proxies} simulated proxies in the harness, ${b.changes} EndpointSlice PATCHes`, b.log);
  } finally {
    for (const p of proxies) p.close();
    await stop(cp);
  }
}
