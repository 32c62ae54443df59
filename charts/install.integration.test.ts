/**
 * charts/weft installed by helm into a real kube-apiserver (private, no nodes), with the built
 * control plane as the webhook the API server calls: the API server accepts every object, pods
 * are mutated (or refused, or let through) exactly as the selectors and the injector say, an
 * upgrade keeps the CA, a down control plane blocks only meshed pods, and uninstall leaves no
 * webhook but keeps the CRD. Skipped (with the reason) without root or the cluster's binaries.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { builtEntry } from '../common/testing/built-entry.js';
import { chartDir, helmBin } from './helm.js';
import { PrivateApiServer, unavailable } from './testing/private-apiserver.js';

const why = unavailable();
const main = builtEntry('control-plane/main.js');

interface Pod {
  metadata: { annotations?: Record<string, string> };
  spec: { initContainers?: { name: string; restartPolicy?: string }[]; volumes?: { name: string }[] };
}

describe.skipIf(why !== undefined)(`charts/weft in a real kube-apiserver${why ? ` (skipped: ${why})` : ''}`, () => {
  const api = why ? undefined! : new PrivateApiServer();
  const helm = (args: string[]) => api.exec([helmBin(), '--kubeconfig', api.kubeconfig, ...args]);
  const secret = (): Record<string, string> => JSON.parse(api.kubectl(['-n', 'weft-system', 'get', 'secret', 'weft-webhook-tls', '-o', 'json'])).data;
  const caBundle = (): string => api.kubectl(['get', 'mutatingwebhookconfiguration', 'weft-sidecar-injector', '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}']);
  let controlPlane: ChildProcess | undefined;

  const namespace = (name: string, labels: Record<string, string> = {}) => {
    api.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
    // No controller-manager here to make the default ServiceAccount pods need.
    api.kubectl(['-n', name, 'create', 'serviceaccount', 'default']);
  };
  /** Creates a pod; returns it as stored, or the API server's refusal. */
  const create = (name: string, ns: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Pod | string => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, annotations }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } };
    try {
      return JSON.parse(api.kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(pod))) as Pod;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const injected = (p: Pod | string) => (typeof p === 'string' ? p : (p.spec.initContainers ?? []).map((c) => c.name).join(','));

  /** The control plane as a process in the namespace, serving the chart's certificate and settings, behind the chart's Service. */
  const startControlPlane = (): void => {
    const dir = join(api.dir, 'webhook');
    mkdirSync(dir, { recursive: true });
    const s = secret();
    writeFileSync(join(dir, 'tls.crt'), Buffer.from(s['tls.crt']!, 'base64'));
    writeFileSync(join(dir, 'tls.key'), Buffer.from(s['tls.key']!, 'base64'));
    writeFileSync(join(dir, 'settings.json'), api.kubectl(['-n', 'weft-system', 'get', 'configmap', 'weft-injector', '-o', 'jsonpath={.data.settings\\.json}']));
    const at = (port: number) => `${api.hostIp}:${port}`;
    controlPlane = api.run('control-plane', [process.execPath, main.pathname, '--kubeconfig', api.kubeconfig, '--grpc-address', at(15010), '--admin-address', at(15014), '--webhook-address', at(15017), '--webhook-cert-dir', dir, '--injector-settings', join(dir, 'settings.json'), '--no-leader-election']);
  };

  const waitForWebhook = async (): Promise<void> => {
    for (let i = 0; i < 60; i++) {
      const probe = create(`probe-${i}`, 'shop');
      if (typeof probe !== 'string') return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error('the API server never reached the webhook');
  };

  beforeAll(async () => {
    await api.start();
    helm(['install', 'weft', chartDir, '-n', 'weft-system', '--create-namespace']);
    api.kubectl(['-n', 'weft-system', 'create', 'serviceaccount', 'default']);
    // No pods run here: the Service's endpoints are the control plane process on the namespace's address.
    const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'weft-control-plane', namespace: 'weft-system' }, subsets: [{ addresses: [{ ip: api.hostIp }], ports: [{ name: 'https-webhook', port: 15017 }] }] };
    api.kubectl(['create', '-f', '-'], JSON.stringify(endpoints));
    namespace('shop', { 'weft.dev/inject': 'enabled' });
    namespace('plain');
    api.kubectl(['-n', 'kube-system', 'create', 'serviceaccount', 'default']);
    startControlPlane();
    await waitForWebhook();
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  }, 60_000);

  it('mutates a pod in a labelled namespace into one the API server stores: native sidecar, token volume, marker', () => {
    const pod = create('web', 'shop', { app: 'web' }) as Pod;
    expect(injected(pod)).toBe('weft-init,weft-proxy');
    expect(pod.spec.initContainers![1]!.restartPolicy).toBe('Always');
    expect(pod.spec.volumes!.map((v) => v.name)).toContain('weft-identity-token');
    expect(pod.metadata.annotations!['weft.dev/injected']).toBe('true');
  });

  it('injects a pod that opts in elsewhere, and leaves opted-out and ordinary pods alone', () => {
    expect(injected(create('in', 'plain', { 'weft.dev/inject': 'enabled' }))).toBe('weft-init,weft-proxy');
    expect(injected(create('out', 'shop', { 'weft.dev/inject': 'disabled' }))).toBe('');
    expect(injected(create('ordinary', 'plain'))).toBe('');
    expect(injected(create('system', 'kube-system', { 'weft.dev/inject': 'enabled' }))).toBe('');
  });

  it('denies a bad annotation with the injector’s message', () => {
    expect(create('bad', 'shop', {}, { 'weft.dev/exclude-inbound-ports': '80,http' })).toContain(
      'admission webhook "namespace.inject.weft.dev" denied the request: weft: annotation weft.dev/exclude-inbound-ports: "http" is not a port',
    );
  });

  it('accepts what weftctl inject writes (the golden output), and a pre-injected pod passes the webhook unchanged', () => {
    const golden = readFileSync(new URL('../control-plane/injector/testdata/manifests/workloads.injected.yaml', import.meta.url), 'utf8');
    expect(api.kubectl(['apply', '--dry-run=server', '-f', '-'], golden)).toContain('cronjob.batch/report created (server dry run)');
    const pod = parseAllDocuments(golden).map((d) => d.toJS()).find((d) => d.kind === 'Pod');
    const stored = JSON.parse(api.kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(pod)));
    // Not injected twice: the same two containers, with what weftctl put in them.
    expect(stored.spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['weft-init', 'weft-proxy']);
    expect(stored.spec.initContainers[1]).toMatchObject(pod.spec.initContainers[1]);
    // The API server mounted the pod's API token into the app's container, but not into weft's.
    const mounts = (c: { volumeMounts?: { name: string }[] }) => (c.volumeMounts ?? []).map((m) => m.name).join(',');
    expect(mounts(stored.spec.containers[0])).toMatch(/^kube-api-access-/);
    expect(stored.spec.initContainers.map(mounts)).toEqual(['weft-no-api-token', 'weft-identity-token,weft-no-api-token']);
  });

  it('helm upgrade keeps the CA and the caBundle and renews the serving certificate', () => {
    const before = { secret: secret(), bundle: caBundle() };
    helm(['upgrade', 'weft', chartDir, '-n', 'weft-system', '--reuse-values', '--set', 'injector.logLevel=debug']);
    const after = { secret: secret(), bundle: caBundle() };
    expect(after.secret['ca.crt']).toBe(before.secret['ca.crt']);
    expect(after.bundle).toBe(before.bundle);
    expect(after.secret['tls.crt']).not.toBe(before.secret['tls.crt']);
    // The previous serving certificate (still in the running process) keeps verifying against the caBundle.
    expect(injected(create('after-upgrade', 'shop'))).toBe('weft-init,weft-proxy');
  });

  it('with no control plane answering, refuses only pods that asked for a sidecar', async () => {
    const exited = new Promise((r) => controlPlane!.once('exit', r));
    controlPlane!.kill('SIGTERM');
    await exited;
    expect(create('down', 'shop')).toMatch(/failed calling webhook "namespace\.inject\.weft\.dev"/);
    expect(create('down-pod', 'plain', { 'weft.dev/inject': 'enabled' })).toMatch(/failed calling webhook "pod\.inject\.weft\.dev"/);
    expect(injected(create('down-ordinary', 'plain'))).toBe('');
    expect(injected(create('down-system', 'kube-system', { 'weft.dev/inject': 'enabled' }))).toBe('');
    expect(injected(create('down-own', 'weft-system', { 'weft.dev/inject': 'enabled' }))).toBe('');
  });

  it('helm uninstall removes the webhook and keeps the CRD; pods are then created without a sidecar', () => {
    helm(['uninstall', 'weft', '-n', 'weft-system']);
    expect(api.kubectl(['get', 'mutatingwebhookconfigurations', '-o', 'name']).trim()).toBe('');
    expect(api.kubectl(['get', 'crd', '-o', 'name']).trim()).toBe('customresourcedefinition.apiextensions.k8s.io/trafficpolicies.policy.weft.dev');
    expect(injected(create('after-uninstall', 'shop'))).toBe('');
  });
});
