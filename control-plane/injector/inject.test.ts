import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { golden } from '../testing/golden.js';
import { InjectionError } from './errors.js';
import { injectPod } from './inject.js';
import { applyPatch } from './json-patch.js';
import { parseQuantity } from './quantity.js';
import type { PodContext, PodLike } from './pod.js';
import { defaultInjectorSettings as settings } from './settings.js';
import { admissionWorkload } from './workload.js';

const dir = new URL('./testdata/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

interface Fixture {
  namespace: string;
  namespaceLabels: Record<string, string>;
  pod: PodLike;
}
const load = (f: string): Fixture => parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture;
const ctxOf = (fx: Fixture): PodContext => ({ namespace: fx.namespace, namespaceLabels: fx.namespaceLabels, workload: admissionWorkload(fx.pod) });

describe('injectPod: golden patches from testdata/*.yaml', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(3));
  for (const f of fixtures) {
    it(f, () => {
      const fx = load(f);
      const result = injectPod(fx.pod, ctxOf(fx), settings);
      expect(result.injected).toBe(true);
      const { expected, actual } = golden(new URL(f.replace(/\.yaml$/, '.patch.json'), dir).pathname, result.patch);
      expect(actual).toBe(expected);
    });
  }

  it('puts weft-init, then the proxy, then the pod’s own init containers, and keeps everything else', () => {
    const fx = load('pod-opt-in-overrides.yaml');
    const out = applyPatch(fx.pod, injectPod(fx.pod, ctxOf(fx), settings).patch);
    expect(out.spec!.initContainers!.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy', 'migrate']);
    expect(out.spec!.volumes!.map((v) => v.name)).toEqual(['data', 'weft-identity-token', 'weft-no-api-token']);
    expect(out.metadata!.annotations).toMatchObject({ 'example.com/owner': 'team-a', 'weft.dev/injected': 'true' });
    expect(out.spec!.containers).toEqual(fx.pod.spec!.containers);
  });

  it('is idempotent: an injected pod gets no second patch', () => {
    for (const f of fixtures) {
      const fx = load(f);
      const once = applyPatch(fx.pod, injectPod(fx.pod, ctxOf(fx), settings).patch);
      expect(injectPod(once, ctxOf(fx), settings)).toEqual({ injected: false, reason: 'already injected', patch: [] });
    }
  });

  it('names the workload behind a ReplicaSet or Job, and reports the pod’s labels', () => {
    const fx = load('namespace-enabled.yaml');
    const out = applyPatch(fx.pod, injectPod(fx.pod, ctxOf(fx), settings).patch);
    const env = (out.spec!.initContainers![1]!.env as { name: string; value?: string }[]).filter((e) => e.value !== undefined);
    expect(Object.fromEntries(env.map((e) => [e.name, e.value]))).toMatchObject({
      WEFT_WORKLOAD: 'reviews-v2',
      WEFT_LABELS: 'app=reviews,pod-template-hash=7d9c8b6f5,version=v2',
      WEFT_INTERCEPTION: 'iptables',
    });
    expect(admissionWorkload(load('job-pod.yaml').pod)).toBe('report-28811520');
  });
});

const pod = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}, spec: PodLike['spec'] = {}): PodLike => ({
  metadata: { name: 'p', labels, annotations },
  spec: { containers: [{ name: 'app' }], ...spec },
});
const on = { 'weft.dev/inject': 'enabled' };
const ctx = (namespace = 'shop', namespaceLabels: Record<string, string> = {}): PodContext => ({ namespace, namespaceLabels, workload: 'p' });

describe('injectPod: the rules', () => {
  const cases: [string, PodLike, PodContext, boolean, RegExp][] = [
    ['namespace labelled', pod(), ctx('shop', on), true, /namespace shop is labelled/],
    ['pod labelled, namespace not', pod(on), ctx(), true, /pod opts in/],
    ['pod annotated, namespace not', pod({}, on), ctx(), true, /pod opts in/],
    ['nothing asks', pod(), ctx(), false, /neither/],
    ['namespace labelled disabled', pod(), ctx('shop', { 'weft.dev/inject': 'disabled' }), false, /neither/],
    ['pod opts out of a labelled namespace (label)', pod({ 'weft.dev/inject': 'disabled' }), ctx('shop', on), false, /opts out/],
    ['pod opts out of a labelled namespace (annotation)', pod({}, { 'weft.dev/inject': 'disabled' }), ctx('shop', on), false, /opts out/],
    ['host network', pod(on, {}, { hostNetwork: true }), ctx('shop', on), false, /host-network/],
    ['kube-system', pod(on), ctx('kube-system', on), false, /kube-system are never/],
    ['the control plane namespace', pod(on), ctx('weft-system', on), false, /weft-system are never/],
    ['weft’s own pods elsewhere', pod({ ...on, 'app.kubernetes.io/part-of': 'weft' }), ctx('shop', on), false, /own pods/],
    ['already injected (native sidecar)', pod(on, {}, { initContainers: [{ name: 'weft-proxy' }] }), ctx(), false, /already injected/],
    ['already injected (bad annotations are not re-read)', pod(on, { 'weft.dev/log-level': 'loud' }, { initContainers: [{ name: 'weft-proxy' }] }), ctx(), false, /already/],
    ['not asked: bad annotations are not read', pod({}, { 'weft.dev/log-level': 'loud' }), ctx(), false, /neither/],
  ];
  for (const [name, p, c, injected, reason] of cases) {
    it(name, () => {
      const r = injectPod(p, c, settings);
      expect(r.injected).toBe(injected);
      expect(r.reason).toMatch(reason);
      expect(r.patch.length > 0).toBe(injected);
    });
  }
});

describe('injectPod: bad values are refused with a message naming them', () => {
  const refusals: [string, PodLike, RegExp][] = [
    ['switch value', pod({ 'weft.dev/inject': 'yes' }), /label weft.dev\/inject: "yes" must be "enabled" or "disabled"/],
    ['label and annotation disagree', pod(on, { 'weft.dev/inject': 'disabled' }), /disagree/],
    ['cpu quantity', pod(on, { 'weft.dev/proxy-cpu-request': 'lots' }), /weft.dev\/proxy-cpu-request: "lots" is not a resource quantity/],
    ['memory quantity', pod(on, { 'weft.dev/proxy-memory-limit': '-1Gi' }), /proxy-memory-limit: "-1Gi"/],
    ['request above the default limit', pod(on, { 'weft.dev/proxy-memory-request': '1Gi' }), /memory request 1Gi is above its limit 256Mi/],
    ['request above the given limit', pod(on, { 'weft.dev/proxy-cpu-request': '2', 'weft.dev/proxy-cpu-limit': '500m' }), /cpu request 2 is above its limit 500m/],
    ['port out of range', pod(on, { 'weft.dev/exclude-inbound-ports': '8080,70000' }), /exclude-inbound-ports: "70000" is not a port/],
    ['empty port item', pod(on, { 'weft.dev/exclude-outbound-ports': '5432,' }), /exclude-outbound-ports: "" is not a port/],
    ['port range syntax', pod(on, { 'weft.dev/exclude-outbound-ports': '1000-2000' }), /"1000-2000" is not a port/],
    ['log level', pod(on, { 'weft.dev/log-level': 'verbose' }), /log-level: "verbose" is not one of trace, debug/],
    ['typo in a key', pod(on, { 'weft.dev/proxy-cpu': '1' }), /unknown annotation weft.dev\/proxy-cpu; weft reads/],
    ['reserved container name', pod(on, {}, { initContainers: [{ name: 'weft-init' }] }), /weft-init is reserved/],
    ['reserved volume name', pod(on, {}, { volumes: [{ name: 'weft-identity-token' }] }), /weft-identity-token is reserved/],
    ['reserved volume name (2)', pod(on, {}, { volumes: [{ name: 'weft-no-api-token' }] }), /weft-no-api-token is reserved/],
  ];
  for (const [name, p, message] of refusals) {
    it(name, () => {
      const err = (() => {
        try {
          injectPod(p, ctx(), settings);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(InjectionError);
      expect((err as InjectionError).code).toBe('WEFT_INJECTION_REFUSED');
      expect((err as Error).message).toMatch(message);
    });
  }

  it('accepts every quantity form Kubernetes writes, and compares across units', () => {
    for (const q of ['100m', '0.5', '.5', '1', '128Mi', '1G', '1.5Gi']) expect(parseQuantity(q), q).toBeGreaterThan(0);
    for (const q of ['', '1.', '-1', '1e3', '1 Gi', '1gi', 'Mi']) expect(parseQuantity(q), q).toBeUndefined();
    expect(injectPod(pod(on, { 'weft.dev/proxy-memory-request': '0.25Gi' }), ctx(), settings).injected).toBe(true);
    expect(() => injectPod(pod(on, { 'weft.dev/proxy-memory-request': '257Mi' }), ctx(), settings)).toThrow(/above its limit/);
  });
});
