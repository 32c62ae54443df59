import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { golden } from '../testing/golden.js';
import { InjectionError } from './errors.js';
import { injectPod } from './inject.js';
import { applyPatch } from './json-patch.js';
import { injectManifests } from './manifests.js';
import type { PodLike } from './pod.js';
import { defaultInjectorSettings as settings } from './settings.js';

const dir = new URL('./testdata/manifests/', import.meta.url);
const input = readFileSync(new URL('workloads.yaml', dir), 'utf8');
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> });

describe('injectManifests', () => {
  const { text, reports } = injectManifests(input, settings);

  it('matches the golden output (testdata/manifests/workloads.injected.yaml)', () => {
    const { expected, actual } = golden(new URL('workloads.injected.yaml', dir).pathname, text);
    expect(actual).toBe(expected);
  });

  it('reports each workload and why', () => {
    expect(reports.map((r) => `${r.object} ${r.injected}`)).toEqual([
      'deployment/reviews-v1 true',
      'statefulset/cache true',
      'daemonset/node-agent false',
      'job/migrate false',
      'cronjob/report true',
      'pod/debug true',
    ]);
    expect(reports.find((r) => r.object === 'daemonset/node-agent')!.reason).toMatch(/host-network/);
  });

  it('applies to each template exactly the patch the webhook makes for that pod', () => {
    const before = docs(input);
    const after = docs(text);
    const deployment = before[1]!.spec.template as PodLike;
    const patch = injectPod(deployment, { namespace: 'shop', namespaceLabels: { 'weft.dev/inject': 'enabled' }, workload: 'reviews-v1' }, settings).patch;
    expect(after[1]!.spec.template).toEqual(applyPatch(deployment, patch));
    const cron = after[5]!.spec as { jobTemplate: { spec: { template: PodLike } } };
    expect(cron.jobTemplate.spec.template.spec!.initContainers!.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy']);
    expect((after[6]!.spec as PodLike['spec'])!.initContainers!.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy']);
  });

  it('leaves other kinds and skipped templates byte for byte, and is idempotent', () => {
    const keep = (t: string) => t.split(/^---$/m).filter((d) => /kind: (Service|ConfigMap|DaemonSet|Job)\n/.test(d));
    expect(keep(text)).toEqual(keep(input));
    expect(text).toContain('name: reviews   # comments outside pod templates survive');
    expect(injectManifests(text, settings).text).toBe(text);
  });

  it('passes a workload without a pod spec through unchanged (nothing to inject into)', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: half }\nspec: { replicas: 1 }\n---\nkind: Pod\nmetadata: { name: bare }\n';
    expect(injectManifests(text, settings)).toEqual({ text, reports: [] });
  });

  it('injects the items of a List', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: { name: a }\n    spec: { containers: [{ name: a, image: x }] }\n`;
    const out = injectManifests(list, settings);
    expect(out.reports).toEqual([{ object: 'pod/a', injected: true, reason: expect.any(String) }]);
    expect(out.text).toContain('name: weft-proxy');
  });

  it('refuses a bad annotation naming the object, and bad YAML', () => {
    const bad = input.replace('weft.dev/exclude-outbound-ports: "5432"', 'weft.dev/exclude-outbound-ports: "5432,http"');
    expect(() => injectManifests(bad, settings)).toThrow(new InjectionError('deployment/reviews-v1: annotation weft.dev/exclude-outbound-ports: "http" is not a port (expected comma-separated numbers 1-65535, e.g. "8080,9090")'));
    expect(() => injectManifests('kind: Pod\n  metadata: [', settings)).toThrow(/not valid YAML/);
  });
});
