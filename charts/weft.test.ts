import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseInjectorSettings } from '../control-plane/injector/settings-file.js';
import { defaultInjectorSettings } from '../control-plane/injector/settings.js';
import { chartDir, helm, render, type K8sDoc } from './helm.js';

/** One rendered object, untyped (JSON.parse's result) so tests can reach into any field. */
const of = (docs: K8sDoc[], kind: string, name?: string): ReturnType<typeof JSON.parse> => {
  const d = docs.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!d) throw new Error(`no ${kind} ${name ?? ''}`);
  return JSON.parse(JSON.stringify(d));
};

describe('charts/weft', () => {
  it('passes helm lint --strict', () => {
    const r = helm(['lint', '--strict', chartDir]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders everything the install needs', () => {
    const kinds = render().map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ClusterRole/weft-control-plane',
      'ClusterRoleBinding/weft-control-plane',
      'ConfigMap/weft-injector',
      'Deployment/weft-control-plane',
      'MutatingWebhookConfiguration/weft-sidecar-injector',
      'Pod/weft-test',
      'PodDisruptionBudget/weft-control-plane',
      'Role/weft-control-plane-leader',
      'RoleBinding/weft-control-plane-leader',
      'Secret/weft-webhook-tls',
      'Service/weft-control-plane',
      'ServiceAccount/weft-control-plane',
      'ServiceAccount/weft-test',
    ]);
  });

  it('runs 2 control plane replicas, spread, with probes, resources and a restricted security context', () => {
    const docs = render();
    const dep = of(docs, 'Deployment');
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '512Mi' } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([15010, 15017, 15014]);
    expect(of(docs, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(render(['controlPlane.replicas=1']).some((d) => d.kind === 'PodDisruptionBudget')).toBe(false);
    expect(of(render(['controlPlane.antiAffinity=none']), 'Deployment').spec.template.spec.affinity).toBeUndefined();
  });

  it('tells the control plane the outbound traffic policy: allow-any unless set', () => {
    const policyOf = (set: string[] = []): string => of(render(set), 'Deployment').spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'WEFT_OUTBOUND_TRAFFIC_POLICY').value;
    expect(policyOf()).toBe('allow-any');
    expect(policyOf(['controlPlane.outboundTrafficPolicy=registry-only'])).toBe('registry-only');
  });

  it('gives the injector exactly the built-in defaults when installed as documented (one source of defaults)', () => {
    const cm = of(render(), 'ConfigMap', 'weft-injector');
    expect(parseInjectorSettings(JSON.parse(cm.data['settings.json']))).toEqual(defaultInjectorSettings);
  });

  it('passes injector values through, and a settings change rolls the control plane', () => {
    const docs = render(['injector.image.tag=1.2.3', 'injector.iptables=nft', 'injector.resources.limits.cpu=1'], 'mesh');
    const s = parseInjectorSettings(JSON.parse(of(docs, 'ConfigMap').data['settings.json']));
    expect(s).toMatchObject({ image: 'localhost/weft/sidecar:1.2.3', iptables: 'nft', controlPlaneNamespace: 'mesh', controlPlaneAddress: 'weft-control-plane.mesh.svc:15010' });
    expect(s.resources.limits).toEqual({ cpu: '1', memory: '256Mi' });
    const sum = (d: K8sDoc[]) => of(d, 'Deployment').spec.template.metadata.annotations['checksum/injector-settings'];
    expect(sum(docs)).not.toBe(sum(render([], 'mesh')));
    expect(sum(render([], 'mesh'))).toBe(sum(render([], 'mesh')));
  });

  it('keeps the CRDs identical to manifests/crds (the one source)', () => {
    const src = new URL('../manifests/crds/', import.meta.url);
    const files = readdirSync(src);
    expect(readdirSync(new URL('./weft/crds/', import.meta.url)).sort()).toEqual(files.sort());
    for (const f of files) expect(readFileSync(new URL(`./weft/crds/${f}`, import.meta.url), 'utf8'), f).toBe(readFileSync(new URL(f, src), 'utf8'));
  });

  it('grants the control plane the same rules as manifests/control-plane (checked there against what it watches), and the test pod nothing', () => {
    const docs = render();
    const manifest = parseAllDocuments(readFileSync(new URL('../manifests/control-plane/control-plane.yaml', import.meta.url), 'utf8')).map((d) => d.toJS());
    expect(of(docs, 'ClusterRole').rules).toEqual(manifest.find((d) => d.kind === 'ClusterRole').rules);
    expect(of(docs, 'Role').rules).toEqual(manifest.find((d) => d.kind === 'Role').rules);
    const subjects = docs.filter((d) => d.kind.endsWith('Binding')).flatMap((d) => (d.subjects as { name: string }[]).map((s) => s.name));
    expect(new Set(subjects)).toEqual(new Set(['weft-control-plane']));
    expect(of(docs, 'Pod', 'weft-test').spec.automountServiceAccountToken).toBe(false);
  });

  it('documents every value in values.yaml: a comment above it or above a key that contains it', () => {
    const lines = readFileSync(new URL('./weft/values.yaml', import.meta.url), 'utf8').split('\n');
    const indent = (l: string) => l.length - l.trimStart().length;
    const commented = (i: number) => /^\s*#/.test(lines[i - 1] ?? '');
    lines.forEach((line, i) => {
      if (!/^\s*[a-zA-Z]+:\s*\S/.test(line)) return;
      let documented = commented(i);
      for (let j = i - 1, want = indent(line); j >= 0 && !documented && want > 0; j--) {
        if (/^\s*[a-zA-Z]+:\s*$/.test(lines[j]!) && indent(lines[j]!) < want) {
          want = indent(lines[j]!);
          documented = commented(j);
        }
      }
      expect(documented, `no comment for "${line.trim()}" (line ${i + 1})`).toBe(true);
    });
  });
});

describe('charts/weft values.schema.json', () => {
  const refuse = (set: string, message: RegExp) => {
    const r = helm(['template', 'weft', chartDir, '--set', set]);
    expect(r.status, set).not.toBe(0);
    expect(r.stderr, set).toMatch(message);
  };

  it('refuses a typo’d key, naming it', () => {
    refuse('controlPlane.replica=3', /at '\/controlPlane': additional properties 'replica' not allowed/);
    refuse('webhook.failurPolicy=Ignore', /additional properties 'failurPolicy' not allowed/);
    refuse('injectr.logLevel=debug', /additional properties 'injectr' not allowed/);
  });

  it('refuses wrong types and values', () => {
    refuse('controlPlane.replicas=two', /at '\/controlPlane\/replicas': got string, want integer/);
    refuse('webhook.failurePolicy=Sometimes', /\/webhook\/failurePolicy/);
    refuse('injector.resources.requests.memory=lots', /\/injector\/resources\/requests\/memory.*does not match pattern/);
    refuse('injector.tokenExpirationSeconds=60', /\/injector\/tokenExpirationSeconds/);
    refuse('webhook.timeoutSeconds=31', /\/webhook\/timeoutSeconds/);
    refuse('injector.iptables=auto', /\/injector\/iptables/);
    refuse('controlPlane.outboundTrafficPolicy=ALLOW_ANY', /\/controlPlane\/outboundTrafficPolicy/);
  });

  it('accepts the documented values file as it is', () => {
    const values = parse(readFileSync(new URL('./weft/values.yaml', import.meta.url), 'utf8'));
    expect(Object.keys(values)).toEqual(['controlPlane', 'webhook', 'injector', 'tests']);
    expect(() => render(['injector.resources.limits.memory=null'])).not.toThrow();
  });
});
