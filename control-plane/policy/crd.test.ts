import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { policySections, parsePolicy } from './traffic-policy.js';

const crdUrl = new URL('../../manifests/crds/trafficpolicies.policy.weft.dev.yaml', import.meta.url);
const crd = parseYaml(readFileSync(crdUrl, 'utf8'));
const version = crd.spec.versions[0];
const spec = version.schema.openAPIV3Schema.properties.spec;

describe('TrafficPolicy CRD', () => {
  it('is namespaced policy.weft.dev/v1alpha1 with a status subresource and printer columns', () => {
    expect(crd.metadata.name).toBe('trafficpolicies.policy.weft.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(version.name).toBe('v1alpha1');
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual(['Target', 'Accepted', 'Reason', 'Age']);
  });

  // A structural schema is closed wherever it lists properties: the API server prunes unknown fields and
  // kubectl's default strict field validation refuses them. additionalProperties beside properties is
  // refused by the API server itself (found on the real cluster), so closing is done by omission.
  it('schema lists exactly the policy sections the parser reads, plus targetRef, and is closed at every level', () => {
    expect(Object.keys(spec.properties).sort()).toEqual(['targetRef', ...policySections].sort());
    const open: string[] = [];
    const walk = (s: Record<string, unknown>, path: string): void => {
      if (s.type === 'object' && s.properties && ('additionalProperties' in s || 'x-kubernetes-preserve-unknown-fields' in s)) open.push(path);
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${path}.${k}`);
      if (s.items) walk(s.items as Record<string, unknown>, `${path}[]`);
    };
    walk(spec, 'spec');
    expect(open).toEqual([]);
    expect(JSON.stringify(crd)).not.toContain('$ref');
  });

  it('every sample policy passes the control plane parser', () => {
    const dir = new URL('../../manifests/samples/', import.meta.url);
    const samples = readdirSync(dir).flatMap((f) => parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d) => d.toJS()));
    const policies = samples.filter((d) => d?.kind === 'TrafficPolicy');
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) expect(() => parsePolicy(p)).not.toThrow();
  });
});
