import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { ControlPlaneMetrics } from '../metrics/control-plane-metrics.js';
import { ClusterState } from '../state/cluster-state.js';
import { FakeApiServer } from '../testing/fake-apiserver.js';
import { Reflector } from './reflector.js';
import { watchedResources } from './watched-resources.js';
import { WatcherSet } from './watcher-set.js';

const services = watchedResources.find((r) => r.kind === 'Service')!;
const svc = (name: string, port = 80) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port }] } });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { maxSilenceMs?: number } = {}) {
  const api = new FakeApiServer();
  await api.start();
  const clock = new FakeClock();
  const metrics = new ControlPlaneMetrics();
  const state = new ClusterState();
  const replaces: number[] = [];
  const listener = {
    onEvent: state.onEvent.bind(state),
    onReplace: (kind: Parameters<ClusterState['onReplace']>[0], objs: Parameters<ClusterState['onReplace']>[1]) => {
      replaces.push(objs.length);
      state.onReplace(kind, objs);
    },
  };
  const reflector = new Reflector(services, { client: api.client(), listener, clock, log: silentLogger, metrics, random: () => 0, backoff: { baseMs: 1000, maxMs: 8000 }, ...opts });
  cleanups.push(() => api.stop(), () => reflector.stop());
  const names = () => [...state.current().snapshot.services.keys()].sort();
  const restarts = async (reason: string) => (await metrics.informerRestarts.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
  return { api, clock, metrics, state, reflector, replaces, names, restarts };
}

describe('Reflector', () => {
  it('lists, then applies watch events, and resumes from the last resourceVersion when the server closes the watch', async () => {
    const { api, reflector, names } = await setup();
    api.upsert(services.path, svc('a'));
    reflector.start();
    await reflector.whenSynced();
    expect(names()).toEqual(['default/a']);
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    api.upsert(services.path, svc('b'));
    api.remove(services.path, 'default', 'a');
    await vi.waitFor(() => expect(names()).toEqual(['default/b']));
    api.bookmark();
    api.closeWatches();
    await vi.waitFor(() => expect(api.watchRequests(services.path)).toHaveLength(2));
    const [first, second] = api.watchRequests(services.path);
    expect(first!.allowWatchBookmarks).toBe('true');
    expect(Number(first!.timeoutSeconds)).toBeGreaterThan(0);
    expect(Number(second!.resourceVersion)).toBeGreaterThan(Number(first!.resourceVersion));
    api.upsert(services.path, svc('c'));
    await vi.waitFor(() => expect(names()).toEqual(['default/b', 'default/c']));
  });

  it('re-lists on a 410 ERROR event and on a 410 answer, losing no update made meanwhile', async () => {
    const { api, reflector, names, replaces, restarts } = await setup();
    reflector.start();
    await reflector.whenSynced();
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    api.compact();
    api.errorWatches(services.path, 410);
    api.upsert(services.path, svc('during-gap'));
    await vi.waitFor(() => expect(replaces).toHaveLength(2));
    expect(names()).toEqual(['default/during-gap']);
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    // A watch that starts from a version the server no longer has gets HTTP 410 and also re-lists.
    api.upsert(services.path, svc('x'));
    await vi.waitFor(() => expect(names()).toContain('default/x'));
    api.failNext(services.path, 410);
    api.closeWatches();
    api.upsert(services.path, svc('y'));
    await vi.waitFor(() => expect(replaces).toHaveLength(3));
    expect(names()).toEqual(['default/during-gap', 'default/x', 'default/y']);
    expect(await restarts('gone')).toBe(2);
  });

  it('never stops after other errors: retries list and watch failures with growing backoff', async () => {
    const { api, clock, reflector, names, restarts } = await setup();
    api.upsert(services.path, svc('a'));
    api.failNext(services.path, 500, 503);
    reflector.start();
    await vi.waitFor(async () => expect(await restarts('error')).toBe(1));
    await clock.advance(500);
    await vi.waitFor(async () => expect(await restarts('error')).toBe(2));
    await clock.advance(1000);
    await reflector.whenSynced();
    expect(names()).toEqual(['default/a']);
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    api.errorWatches(services.path, 500);
    await vi.waitFor(async () => expect(await restarts('error')).toBe(3));
    api.upsert(services.path, svc('b'));
    await clock.advance(500);
    await vi.waitFor(() => expect(names()).toEqual(['default/a', 'default/b']));
  });

  it('loses no update across an API server restart: changes made while it was down are there when it is back', async () => {
    const { api, clock, reflector, names, state } = await setup();
    api.upsert(services.path, svc('a'));
    api.upsert(services.path, svc('b'));
    reflector.start();
    await reflector.whenSynced();
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    const down = await api.pause();
    api.remove(services.path, 'default', 'a');
    api.upsert(services.path, svc('b', 81));
    api.upsert(services.path, svc('c'));
    // Retries fail while it is down; the backoff keeps going.
    for (let i = 0; i < 3; i++) await clock.advance(8000);
    await down.resume();
    for (let i = 0; i < 100 && names().join() !== 'default/b,default/c'; i++) {
      await clock.advance(8000);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(names()).toEqual(['default/b', 'default/c']);
    expect(state.current().snapshot.services.get('default/b')?.spec?.ports?.[0]?.port).toBe(81);
  });

  it('restarts a watch that has gone silent, and counts it', async () => {
    const { api, clock, reflector, restarts, metrics } = await setup({ maxSilenceMs: 60_000 });
    reflector.start();
    await reflector.whenSynced();
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    await clock.advance(30_000);
    api.bookmark();
    await vi.waitFor(() => expect(reflector.lastHeardAt).toBe(30_000));
    await clock.advance(59_000);
    expect(api.watchRequests(services.path)).toHaveLength(1);
    await clock.advance(1_000);
    await vi.waitFor(() => expect(api.watchRequests(services.path)).toHaveLength(2));
    expect(await restarts('silence')).toBe(1);
    metrics.lagSources.set('Service', () => (clock.now() - reflector.lastHeardAt) / 1000);
    expect((await metrics.informerLag.get()).values[0]).toMatchObject({ labels: { resource: 'Service' }, value: 60 });
  });

  it('leaves no watch connection open after stop', async () => {
    const { api, reflector } = await setup();
    reflector.start();
    await reflector.whenSynced();
    await vi.waitFor(() => expect(api.openWatches).toBe(1));
    reflector.stop();
    await vi.waitFor(() => expect(api.openWatches).toBe(0));
  });
});

describe('WatcherSet', () => {
  it('watches CRD resources only once the API server serves them', async () => {
    const api = new FakeApiServer();
    await api.start();
    const clock = new FakeClock();
    const state = new ClusterState();
    const resources = watchedResources.filter((r) => r.kind === 'Service' || r.kind === 'TrafficPolicy');
    const set = new WatcherSet({ client: api.client(), listener: state, clock, log: silentLogger, metrics: new ControlPlaneMetrics(), resources, discoveryIntervalMs: 10_000 });
    cleanups.push(() => api.stop(), () => set.stop());
    await set.start();
    expect([...set.reflectors.keys()]).toEqual(['Service']);
    api.discovery.set('/apis/policy.weft.dev/v1alpha1', ['trafficpolicies']);
    api.upsert('/apis/policy.weft.dev/v1alpha1/trafficpolicies', { metadata: { name: 'p', namespace: 'default' }, spec: {} });
    await clock.advance(10_000);
    await vi.waitFor(() => expect(state.count('TrafficPolicy')).toBe(1));
    expect([...set.reflectors.keys()]).toEqual(['Service', 'TrafficPolicy']);
  });
});
