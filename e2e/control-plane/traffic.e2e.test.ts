/**
 * The control plane on the real cluster, out of cluster: Deployments, TrafficPolicies and HTTPRoutes
 * change real traffic through every connected weft-sidecar; an invalid policy is refused in its
 * status while traffic keeps the previous policy.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poll } from '../cluster/kube.js';
import { applyPolicy, applyRoute, deleteNamespace, echoService, hostOf, kubectl, prepare, readyPods, remove, scale, type Condition } from './objects.js';
import { startMesh, stopAll } from './processes.js';
import { get, podsReached, readyEndpointPods, untilEverySidecar } from './requests.js';

const ns = `e2e-cp-traffic-${randomBytes(3).toString('hex')}`;
const sidecars: { outbound: number; admin: number }[] = [];
const wait = { timeoutMs: 60_000, intervalMs: 250 };
// A pod whose first answer was slow (a cold start) gets requests again once that estimate has
// faded (docs/decisions/0300), which can take about a minute of sequential requests.
const reach = { timeoutMs: 120_000, intervalMs: 250 };


/** Polls until every sidecar holds exactly `pods` as the Service's ready endpoints and requests reach exactly those pods. */
async function everySidecarReaches(service: string, pods: string[]): Promise<void> {
  for (const s of sidecars) {
    await poll(async () => {
      const held = await readyEndpointPods(s.admin, ns, service);
      if (JSON.stringify(held) !== JSON.stringify(pods)) throw new Error(`sidecar holds ${JSON.stringify(held)}`);
      const reached = await podsReached(s.outbound, hostOf(service, ns), pods.length * 8);
      if (JSON.stringify(reached) !== JSON.stringify(pods)) throw new Error(`requests reached ${JSON.stringify(reached)}`);
      return true;
    }, { what: `sidecar :${s.admin} to reach exactly ${pods.join(', ')}`, ...reach });
  }
}

async function acceptedCondition(kind: string, name: string): Promise<{ generation: number; condition?: Condition }> {
  const tp = await kubectl.json<{ metadata: { generation: number }; status?: { conditions?: Condition[] } }>(['-n', ns, 'get', kind, name]);
  return { generation: tp.metadata.generation, condition: tp.status?.conditions?.find((c) => c.type === 'Accepted') };
}

beforeAll(async () => {
  await prepare(ns);
  await Promise.all([echoService(ns, 'reviews', 1), echoService(ns, 'reviews-v2', 1)]);
  sidecars.push(...(await startMesh(ns, 'cp-traffic', ['client-a', 'client-b'])).sidecars);
}, 300_000);

afterAll(async () => {
  await stopAll();
  await deleteNamespace(ns);
});

describe('control plane on the real cluster: traffic through real sidecars follows the cluster', () => {
  it('creating, scaling and deleting a Deployment behind a Service changes every sidecar\'s endpoints', async () => {
    const one = await readyPods(ns, 'reviews', 1);
    await everySidecarReaches('reviews', one);

    await scale(ns, 'reviews', 3);
    const three = await readyPods(ns, 'reviews', 3);
    await everySidecarReaches('reviews', three);

    await scale(ns, 'reviews', 1);
    const left = await readyPods(ns, 'reviews', 1);
    expect(three).toContain(left[0]);
    await everySidecarReaches('reviews', left);

    // Deleting the Deployment leaves the Service without endpoints: the sidecars answer themselves.
    await remove(ns, 'deployment', 'reviews');
    for (const s of sidecars) await poll(async () => ((await readyEndpointPods(s.admin, ns, 'reviews'))?.length === 0 ? true : undefined), { what: 'no ready endpoints left', ...wait });
    await untilEverySidecar(sidecars, hostOf('reviews', ns), 'an answer from the sidecar, not an app', (r) => r.status >= 500 && r.error !== undefined);

    // Created again, it is reachable again.
    await echoService(ns, 'reviews', 1);
    await everySidecarReaches('reviews', await readyPods(ns, 'reviews', 1));
  });

  it('applying, changing and deleting a TrafficPolicy changes behaviour; an invalid edit is refused in its status and traffic keeps the previous policy', async () => {
    const host = hostOf('reviews', ns);
    await applyPolicy(ns, 'chaos', 'reviews', { fault: { abort: { percent: 100, status: 503 } } });
    await untilEverySidecar(sidecars, host, 'fault abort 503', (r) => r.status === 503 && r.error === 'WEFT_FAULT_INJECTED');
    await poll(async () => ((await acceptedCondition('trafficpolicy', 'chaos')).condition?.status === 'True' ? true : undefined), { what: 'chaos Accepted', ...wait });

    await applyPolicy(ns, 'chaos', 'reviews', { fault: { abort: { percent: 100, status: 429 } } });
    await untilEverySidecar(sidecars, host, 'fault abort changed to 429', (r) => r.status === 429 && r.error === 'WEFT_FAULT_INJECTED');

    // Passes the CRD schema, fails the control plane's check: a per-try timeout longer than the request's.
    await applyPolicy(ns, 'chaos', 'reviews', { fault: { abort: { percent: 100, status: 503 } }, timeouts: { request: '1s', perTry: '2s' } });
    const refused = await poll(async () => {
      const { generation, condition } = await acceptedCondition('trafficpolicy', 'chaos');
      return condition?.observedGeneration === generation && condition.status === 'False' ? { generation, condition } : undefined;
    }, { what: 'the invalid edit refused in status', ...wait });
    expect(refused.condition).toMatchObject({ reason: 'Invalid', observedGeneration: refused.generation });
    expect(refused.condition?.message).toMatch(/perTry/);
    // The refused spec (503) never reached a sidecar: the last accepted one (429) stays in force.
    for (const s of sidecars) {
      for (let i = 0; i < 5; i++) expect(await get(s.outbound, host)).toMatchObject({ status: 429, error: 'WEFT_FAULT_INJECTED' });
    }

    await remove(ns, 'trafficpolicy', 'chaos');
    await untilEverySidecar(sidecars, host, 'the app again once the policy is gone', (r) => r.status === 200 && r.pod?.startsWith('reviews-') === true);
  });

  it('a canary HTTPRoute splits a Service\'s traffic over two Services by weight; deleting it restores', async () => {
    const host = hostOf('reviews', ns);
    const [v1] = await readyPods(ns, 'reviews', 1);
    const [v2] = await readyPods(ns, 'reviews-v2', 1);
    await applyRoute(ns, 'canary', 'reviews', { reviews: 0, 'reviews-v2': 1 });
    await untilEverySidecar(sidecars, host, 'everything to reviews-v2', (r) => r.pod === v2);
    await poll(async () => {
      const route = await kubectl.json<{ status?: { parents?: { controllerName: string; conditions: Condition[] }[] } }>(['-n', ns, 'get', 'httproute', 'canary']);
      const ours = route.status?.parents?.find((p) => p.controllerName === 'weft.dev/control-plane');
      return ours?.conditions.some((c) => c.type === 'Accepted' && c.status === 'True') ? true : undefined;
    }, { what: 'the route Accepted in its per-parent status', ...wait });

    await applyRoute(ns, 'canary', 'reviews', { reviews: 1, 'reviews-v2': 1 });
    for (const s of sidecars) {
      await poll(async () => {
        const reached = await podsReached(s.outbound, host, 40);
        return JSON.stringify(reached) === JSON.stringify([v1, v2].sort()) ? true : undefined;
      }, { what: 'both versions reached at 50/50', ...wait });
    }

    await remove(ns, 'httproute', 'canary');
    for (const s of sidecars) {
      await poll(async () => {
        const reached = await podsReached(s.outbound, host, 20);
        return JSON.stringify(reached) === JSON.stringify([v1]) ? true : undefined;
      }, { what: 'only reviews once the route is gone', ...wait });
    }
  });
});
