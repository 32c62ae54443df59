import { describe, expect, it } from 'vitest';
import { REQUIRED_RESOURCES, crdNames, missingResources, parseMinor } from './prepare.js';
import type { ResourceList } from './prepare.js';

function discovery(except: string[] = []): ResourceList[] {
  const byGroup = new Map<string, string[]>();
  for (const r of REQUIRED_RESOURCES) {
    if (except.includes(r)) continue;
    const parts = r.split('/');
    const gv = r.startsWith('v1/') ? 'v1' : parts.slice(0, 2).join('/');
    const name = r.startsWith('v1/') ? parts.slice(1).join('/') : parts.slice(2).join('/');
    byGroup.set(gv, [...(byGroup.get(gv) ?? []), name]);
  }
  return [...byGroup].map(([groupVersion, names]) => ({ groupVersion, resources: names.map((name) => ({ name })) }));
}

describe('required API resources', () => {
  it('finds nothing missing on a cluster that serves them all', () => {
    expect(missingResources(discovery())).toEqual([]);
  });

  it('names each missing resource, subresources included', () => {
    expect(missingResources(discovery(['v1/serviceaccounts/token', 'discovery.k8s.io/v1/endpointslices']))).toEqual([
      'v1/serviceaccounts/token',
      'discovery.k8s.io/v1/endpointslices',
    ]);
  });

  it('does not take a resource of another group version for the required one', () => {
    const lists = discovery(['discovery.k8s.io/v1/endpointslices']);
    lists.push({ groupVersion: 'discovery.k8s.io/v1beta1', resources: [{ name: 'endpointslices' }] });
    expect(missingResources(lists)).toEqual(['discovery.k8s.io/v1/endpointslices']);
  });
});

describe('parseMinor', () => {
  it('reads plain and provider-suffixed minors', () => {
    expect(parseMinor({ major: '1', minor: '33' })).toBe(33);
    expect(parseMinor({ major: '1', minor: '29+' })).toBe(29);
  });

  it('refuses what is not Kubernetes 1.x', () => {
    expect(() => parseMinor({ major: '2', minor: '0' })).toThrow(/unexpected/);
    expect(() => parseMinor({ major: '1', minor: '' })).toThrow(/unexpected/);
  });
});

describe('crdNames', () => {
  it('lists the CRDs of a multi-document manifest and nothing else', () => {
    const manifest = [
      '# a comment before the first document',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations: { a: b }\n  name: httproutes.gateway.networking.k8s.io',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: not-a-crd',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: grpcroutes.gateway.networking.k8s.io',
    ].join('\n---\n');
    expect(crdNames(manifest)).toEqual(['httproutes.gateway.networking.k8s.io', 'grpcroutes.gateway.networking.k8s.io']);
    expect(crdNames('')).toEqual([]);
  });
});
