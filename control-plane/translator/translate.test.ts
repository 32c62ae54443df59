import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseProxyConfig, toDocument } from '../../common/config/index.js';
import type { ProxyIdentity } from '../state/proxy-identity.js';
import { prepareConfig } from '../server/prepared-config.js';
import { ClusterState, type ResourceKind } from '../state/cluster-state.js';
import { objectKey, type K8sObject } from '../state/k8s-objects.js';
import { translate } from './translate.js';

interface StatusExpectation {
  kind: string;
  name: string;
  parent?: string;
  Accepted: 'True' | 'False';
  ResolvedRefs?: 'True' | 'False';
  reason?: string;
  message?: string;
}

interface Fixture {
  description: string;
  proxy: ProxyIdentity;
  objects: K8sObject[];
  expect: Record<string, unknown>;
  status?: StatusExpectation[];
}

const dir = new URL('./testdata/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function load(file: string) {
  const fx = parseYaml(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
  const state = new ClusterState();
  const byKind = new Map<ResourceKind, K8sObject[]>();
  for (const o of fx.objects) byKind.set(o.kind as ResourceKind, [...(byKind.get(o.kind as ResourceKind) ?? []), o]);
  for (const [kind, objs] of byKind) state.onReplace(kind, objs);
  return { fx, view: state.current() };
}

describe('translate (YAML fixtures in testdata/)', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(6));

  for (const file of fixtures) {
    it(file.replace(/\.yaml$/, ''), () => {
      const { fx, view } = load(file);
      const config = translate(view.snapshot, fx.proxy);
      const { pod, namespace, serviceAccount, workload } = fx.proxy;
      const expected = parseProxyConfig({ node: { pod, namespace, serviceAccount, workload }, ...fx.expect });
      expect({ ...config, version: '' }).toEqual({ ...expected, version: '' });
      // What the server would send passes the sidecar's validator.
      expect(() => prepareConfig(config)).not.toThrow();
      for (const s of fx.status ?? []) {
        if (s.kind === 'TrafficPolicy') {
          const v = view.policyVerdicts.find((p) => p.key === s.name);
          expect(v, s.name).toBeDefined();
          expect(v!.condition).toMatchObject({ type: 'Accepted', status: s.Accepted, ...(s.reason ? { reason: s.reason } : {}) });
          if (s.message) expect(v!.condition.message).toContain(s.message);
          expect(v!.condition.observedGeneration).toBe(fx.objects.find((o) => objectKey(o) === s.name)?.metadata.generation);
        } else {
          const v = view.routeVerdicts.find((r) => r.kind === s.kind && r.key === s.name);
          const parent = v?.parents.find((p) => p.parentRef.name === s.parent);
          expect(parent, `${s.name} -> ${s.parent}`).toBeDefined();
          expect(v!.parents).toHaveLength(1);
          const [accepted, resolved] = parent!.conditions;
          expect(accepted!.status).toBe(s.Accepted);
          if (s.ResolvedRefs) expect(resolved!.status).toBe(s.ResolvedRefs);
          if (s.reason) expect([accepted!.reason, resolved!.reason]).toContain(s.reason);
          if (s.message) expect(`${accepted!.message} ${resolved!.message}`).toContain(s.message);
        }
      }
    });
  }

  it('is pure: the same snapshot and identity give equal configs, and the snapshot is not modified', () => {
    const { fx, view } = load('canary-routes.yaml');
    const before = JSON.stringify([...view.snapshot.services]);
    expect(translate(view.snapshot, fx.proxy)).toEqual(translate(view.snapshot, fx.proxy));
    expect(JSON.stringify([...view.snapshot.services])).toBe(before);
    expect(Object.isFrozen(view.snapshot)).toBe(true);
  });

  it('sets the mesh-wide outbound traffic policy: registry-only unless the options say otherwise, and it survives validation', () => {
    const { fx, view } = load('canary-routes.yaml');
    expect(translate(view.snapshot, fx.proxy).outboundTrafficPolicy).toBe('registry-only');
    const config = translate(view.snapshot, fx.proxy, { clusterDomain: 'cluster.local', trustDomain: 'cluster.local', outboundTrafficPolicy: 'allow-any' });
    expect(parseProxyConfig(JSON.parse(JSON.stringify(toDocument(config)))).outboundTrafficPolicy).toBe('allow-any');
  });
});
