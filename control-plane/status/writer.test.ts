import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import type { StateView } from '../state/cluster-state.js';
import { emptySnapshot } from '../state/cluster-snapshot.js';
import { FakeApiServer } from '../testing/fake-apiserver.js';
import { condition, controllerName } from '../policy/conditions.js';
import { StatusWriter } from './writer.js';

const TP = '/apis/policy.weft.dev/v1alpha1/trafficpolicies';
const HR = '/apis/gateway.networking.k8s.io/v1/httproutes';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const view = (accepted: boolean, routeParents = 1): StateView => ({
  snapshot: emptySnapshot,
  policyVerdicts: [{ key: 'default/p', generation: 3, condition: condition('Accepted', accepted, accepted ? 'Accepted' : 'Invalid', accepted ? 'ok' : 'bad', 3) }],
  routeVerdicts: [
    {
      kind: 'HTTPRoute',
      key: 'default/r',
      generation: 1,
      parents: Array.from({ length: routeParents }, () => ({ parentRef: { group: '', kind: 'Service', name: 'reviews' }, controllerName, conditions: [condition('Accepted', true, 'Accepted', 'ok', 1)] })),
    },
  ],
});

async function setup() {
  const api = new FakeApiServer();
  await api.start();
  cleanups.push(() => api.stop());
  api.upsert(TP, { metadata: { name: 'p', namespace: 'default' } });
  api.upsert(HR, { metadata: { name: 'r', namespace: 'default' }, status: { parents: [{ parentRef: { name: 'gw' }, controllerName: 'example.com/gateway', conditions: [] }] } });
  const clock = new FakeClock();
  let leader = true;
  const writer = new StatusWriter({ client: api.client(), clock, log: silentLogger, isLeader: () => leader, objectOf: (kind, key) => api.get(kind === 'TrafficPolicy' ? TP : HR, key) as never });
  return { api, clock, writer, setLeader: (l: boolean) => (leader = l) };
}

describe('StatusWriter', () => {
  it('writes conditions with observedGeneration, leaves other controllers\' route parents alone, and does not rewrite what is already there', async () => {
    const { api, writer } = await setup();
    writer.update(view(true));
    await vi.waitFor(() => expect(writer.writes).toBe(2));
    const conditions = (api.get(TP, 'default/p')!.status as { conditions: Record<string, unknown>[] }).conditions;
    expect(conditions).toEqual([{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', observedGeneration: 3, lastTransitionTime: '2023-11-14T22:13:20.000Z' }]);
    const parents = (api.get(HR, 'default/r')!.status as { parents: { controllerName: string }[] }).parents;
    expect(parents.map((p) => p.controllerName)).toEqual(['example.com/gateway', controllerName]);
    writer.update(view(true));
    await new Promise((r) => setTimeout(r, 100));
    expect(writer.writes).toBe(2);
  });

  it('moves lastTransitionTime only when the status changes, and writes nothing when not leader', async () => {
    const { api, clock, writer, setLeader } = await setup();
    writer.update(view(true));
    await vi.waitFor(() => expect(writer.writes).toBe(2));
    await clock.advance(60_000);
    writer.update(view(false));
    await vi.waitFor(() => expect(writer.writes).toBe(3));
    const c = (api.get(TP, 'default/p')!.status as { conditions: { status: string; lastTransitionTime: string }[] }).conditions[0]!;
    expect(c).toMatchObject({ status: 'False', lastTransitionTime: '2023-11-14T22:14:20.000Z' });
    setLeader(false);
    writer.update(view(true));
    await new Promise((r) => setTimeout(r, 100));
    expect(writer.writes).toBe(3);
  });
});
