import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { watchedResources } from './watchers/watched-resources.js';

const docs = parseAllDocuments(readFileSync(new URL('../manifests/control-plane/control-plane.yaml', import.meta.url), 'utf8')).map((d) => d.toJS());
const byKind = (kind: string) => docs.filter((d) => d.kind === kind);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
const allows = (rules: Rule[], group: string, resource: string, verb: string) => rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

describe('manifests/control-plane', () => {
  const cluster = byKind('ClusterRole')[0].rules as Rule[];
  const leader = byKind('Role')[0].rules as Rule[];

  it('lets the control plane list and watch every resource it watches', () => {
    for (const r of watchedResources) {
      const group = r.groupVersion.includes('/') ? r.groupVersion.split('/')[0]! : '';
      for (const verb of ['list', 'watch']) expect(allows(cluster, group, r.plural, verb), `${verb} ${r.plural}`).toBe(true);
    }
  });

  it('lets it patch the status it writes, and hold its Lease', () => {
    expect(allows(cluster, 'policy.weft.dev', 'trafficpolicies/status', 'patch')).toBe(true);
    expect(allows(cluster, 'gateway.networking.k8s.io', 'httproutes/status', 'patch')).toBe(true);
    expect(allows(cluster, 'gateway.networking.k8s.io', 'grpcroutes/status', 'patch')).toBe(true);
    for (const verb of ['get', 'create', 'update']) expect(allows(leader, 'coordination.k8s.io', 'leases', verb)).toBe(true);
    // Nothing beyond what it needs: no writes to the objects themselves.
    expect(cluster.filter((r) => r.verbs.some((v) => ['create', 'delete', 'patch', 'update'].includes(v))).flatMap((r) => r.resources).every((res) => res.endsWith('/status'))).toBe(true);
  });

  it('runs the image with its identity from the downward API and probes on the admin port', () => {
    const pod = byKind('Deployment')[0].spec.template.spec;
    const c = pod.containers[0];
    expect(pod.serviceAccountName).toBe('weft-control-plane');
    expect(c.env.map((e: { name: string }) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE']);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 15014 });
    expect(byKind('Service')[0].spec.ports[0]).toMatchObject({ port: 15010, appProtocol: 'grpc' });
  });
});
