import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ProxyIdentity } from '../state/proxy-identity.js';
import { ClusterState, type ResourceKind } from '../state/cluster-state.js';
import type { K8sObject } from '../state/k8s-objects.js';
import { meshPod, meshState, proxyOf } from '../testing/mesh-objects.js';
import { TranslationCache } from './translation-cache.js';
import { translate } from './translate.js';

const dir = new URL('./testdata/', import.meta.url);

function fixtureState(file: string): { state: ClusterState; proxy: ProxyIdentity } {
  const fx = parseYaml(readFileSync(new URL(file, dir), 'utf8')) as { proxy: ProxyIdentity; objects: K8sObject[] };
  const state = new ClusterState();
  const byKind = new Map<ResourceKind, K8sObject[]>();
  for (const o of fx.objects) byKind.set(o.kind as ResourceKind, [...(byKind.get(o.kind as ResourceKind) ?? []), o]);
  for (const [kind, objs] of byKind) state.onReplace(kind, objs);
  return { state, proxy: fx.proxy };
}

describe('TranslationCache', () => {
  it('gives the same configs as uncached translation, for every fixture and several identities, and builds each once', () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const { state, proxy } = fixtureState(file);
      const snapshot = state.current().snapshot;
      const identities: ProxyIdentity[] = [proxy, { ...proxy, pod: `${proxy.pod}-other` }, { ...proxy, namespace: 'elsewhere', labels: {} }, { ...proxy, labels: { ...proxy.labels, extra: 'yes' } }];
      const cache = new TranslationCache();
      for (const id of identities) expect(cache.translate(snapshot, id), `${file} ${JSON.stringify(id)}`).toEqual(translate(snapshot, id));
      for (const id of identities) expect(cache.translate(snapshot, { ...id, labels: { ...id.labels } })).toBe(cache.translate(snapshot, id));
      expect(cache.builds).toBe(identities.length);
    }
  });

  it('shares one service table between all proxies of a snapshot', () => {
    const { state, pods } = meshState(5, 2);
    const cache = new TranslationCache();
    const snapshot = state.current().snapshot;
    const [a, b, c] = pods.map((p) => cache.translate(snapshot, proxyOf(p)));
    expect(a!.services).toBe(b!.services);
    expect(a!.services).toBe(c!.services);
    expect(a!.inbound).toEqual(b!.inbound);
    expect(a!.inbound).not.toEqual(c!.inbound);
  });

  it('an identity-relevant change (a pod relabelled) changes that proxy only; the next snapshot drops the old entries', () => {
    const { state, pods } = meshState(5, 2);
    const cache = new TranslationCache();
    const before = pods.map((p) => cache.translate(state.current().snapshot, proxyOf(p)));
    expect(before[0]!.inbound.map((p) => p.port)).toEqual([8080]);
    state.onEvent('Pod', 'MODIFIED', meshPod('web-1', 'default', { app: 'other' }));
    const after = pods.map((p) => cache.translate(state.current().snapshot, proxyOf(p)));
    expect(after[0]!.inbound).toEqual([]);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]).toEqual(before[2]);
    expect(after[0]!.services).toEqual(before[0]!.services);
    expect(cache.size).toBe(3);
    expect(cache.builds).toBe(6);
  });

  it('is bounded: only the newest snapshot is kept, and at most maxEntries identities of it', () => {
    const { state, pods } = meshState(3, 1);
    const cache = new TranslationCache(undefined, 2);
    for (let v = 0; v < 10; v++) {
      state.onEvent('Pod', 'MODIFIED', meshPod('api-1', 'default', { app: 'api', v: String(v) }));
      for (const p of pods) cache.translate(state.current().snapshot, proxyOf(p));
      expect(cache.size).toBeLessThanOrEqual(2);
    }
    expect(cache.builds).toBe(30);
  });
});
