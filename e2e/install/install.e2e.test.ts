/**
 * The user's journey from charts/weft on the real cluster, in order: the rendered chart passes the
 * API server's dry run, the chart installs and `helm test` passes; a Deployment in a namespace
 * labelled for injection gets sidecars and serves; a bad annotation is refused with its message; a
 * Job with a sidecar completes; while the webhook is down, kube-system and unmeshed pods are still
 * created and meshed ones wait; an upgrade and an uninstall/reinstall keep meshed pods serving.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoDeployment } from '../cluster/echo-app.js';
import { poll } from '../cluster/kube.js';
import { clusterSettings } from '../cluster/settings.js';
import { chart, controlPlaneAvailable, echoAt, helm, imageValues, install, isReady, kubectl, pods, readyPods, release, uninstall, uninstalled } from './release.js';

const suffix = randomBytes(3).toString('hex');
const meshed = `e2e-install-${suffix}`;
const plain = `e2e-plain-${suffix}`;
const json = (o: unknown): string => JSON.stringify(o);
const wait = { timeoutMs: 180_000, intervalMs: 1000 };

/** A one-container pod of the echo image that exits at once (admission is what these tests look at). */
const quickPod = (name: string, namespace: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels, annotations },
  spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: clusterSettings().echoImage, imagePullPolicy: 'Never', command: ['node', '-e', ''] }] },
});

async function createFails(manifest: object): Promise<string> {
  return kubectl.run(['create', '-f', '-'], { input: json(manifest) }).then(
    () => 'created',
    (err: Error) => err.message,
  );
}

beforeAll(async () => {
  await uninstalled();
  await kubectl.apply(json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: meshed, labels: { 'weft.dev/inject': 'enabled' } } }));
  await kubectl.apply(json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: plain } }));
}, 300_000);

afterAll(async () => {
  await kubectl.run(['delete', 'namespace', meshed, plain, '--wait=false', '--ignore-not-found']);
  await kubectl.run(['-n', 'kube-system', 'delete', 'pod', `e2e-kube-system-${suffix}`, '--ignore-not-found', '--wait=false']);
  await uninstall().catch(() => undefined);
}, 300_000);

describe('charts/weft on the cluster', () => {
  it('renders manifests the API server accepts (server-side dry run)', async () => {
    const rendered = await helm(['template', release.name, chart, '-n', release.namespace, '--include-crds', '--skip-tests', ...imageValues()]);
    await kubectl.run(['create', 'namespace', release.namespace]).catch(() => undefined);
    await kubectl.run(['apply', '--dry-run=server', '-f', '-'], { input: rendered });
  });

  it('installs, and helm test passes (control plane ready, webhook answering over TLS)', async () => {
    await install();
    await readyPods(release.namespace, 'app.kubernetes.io/name=weft-control-plane', 2);
    const out = await helm(['test', release.name, '-n', release.namespace, '--logs']);
    expect(out).toContain('ok: webhook answered over TLS with an injection patch');
    await kubectl.run(['get', 'crd', 'trafficpolicies.policy.weft.dev']);
  });

  it('injects a Deployment in a labelled namespace: native sidecar, interception init container, and it serves', async () => {
    await kubectl.apply(json(echoDeployment('web', 2, meshed)));
    const ready = await readyPods(meshed, 'app=web', 2);
    for (const p of ready) {
      expect(p.spec.initContainers?.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy']);
      expect(p.spec.initContainers?.[1]?.restartPolicy).toBe('Always');
      expect(p.metadata.annotations?.['weft.dev/injected']).toBe('true');
      expect(p.status.initContainerStatuses?.find((s) => s.name === 'weft-proxy')?.ready).toBe(true);
      expect(await echoAt(p.status.podIP!)).toBe(p.metadata.name);
    }
    // Ready means the kubelet's HTTP GET readiness probe on 8080 passed: with interception on it
    // enters through the proxy's inbound listener like any other connection, as the proxy's
    // metrics show. The admin port answers from outside the pod (it is excluded from interception).
    const metrics = await fetch(`http://${ready[0]!.status.podIP}:15000/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/weft_requests_total\{[^}]*direction="inbound"/);
  });

  it('leaves an opted-out pod alone and refuses a bad annotation with the injector’s message', async () => {
    await kubectl.run(['create', '-f', '-'], { input: json(quickPod('opted-out', meshed, { 'weft.dev/inject': 'disabled' })) });
    const [out] = await pods(meshed, 'weft.dev/inject=disabled');
    expect(out!.spec.initContainers ?? []).toEqual([]);
    const refused = await createFails(quickPod('bad', meshed, {}, { 'weft.dev/proxy-memory-limit': 'lots' }));
    expect(refused).toContain('weft: annotation weft.dev/proxy-memory-limit: "lots" is not a resource quantity');
  });

  it('runs a Job with a sidecar to completion', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: meshed },
      spec: {
        backoffLimit: 0,
        template: { metadata: { labels: { app: 'once' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'once', image: clusterSettings().echoImage, imagePullPolicy: 'Never', command: ['node', '-e', 'console.log("done")'] }] } },
      },
    };
    await kubectl.apply(json(job));
    await kubectl.run(['-n', meshed, 'wait', '--for=condition=Complete', 'job/once', '--timeout=180s']);
    const [pod] = await pods(meshed, 'app=once');
    expect(pod!.spec.initContainers?.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy']);
  });

  it('while no control plane answers: kube-system and unmeshed pods are created, meshed pods wait and come once it is back', async () => {
    await kubectl.run(['-n', release.namespace, 'scale', 'deployment/weft-control-plane', '--replicas=0']);
    await poll(async () => ((await pods(release.namespace, 'app.kubernetes.io/name=weft-control-plane')).length === 0 ? true : undefined), { what: 'no control plane pods', ...wait });
    try {
      expect(await createFails(quickPod(`e2e-kube-system-${suffix}`, 'kube-system', { 'weft.dev/inject': 'enabled' }))).toBe('created');
      expect(await createFails(quickPod('unmeshed', plain))).toBe('created');
      const blocked = await createFails(quickPod('while-down', meshed));
      expect(blocked).toMatch(/failed calling webhook "namespace\.inject\.weft\.dev"/);
    } finally {
      await kubectl.run(['-n', release.namespace, 'scale', 'deployment/weft-control-plane', '--replicas=2']);
      await controlPlaneAvailable();
    }
    // The meshed Deployment's pods kept serving throughout, and new pods are injected again.
    for (const p of await pods(meshed, 'app=web')) expect(await echoAt(p.status.podIP!)).toBe(p.metadata.name);
    expect(await createFails(quickPod('after', meshed))).toBe('created');
  });

  it('upgrades (a changed value rolls the control plane) while meshed pods keep serving', async () => {
    const web = await readyPods(meshed, 'app=web', 2);
    let failures = 0;
    let requests = 0;
    let done = false;
    const load = (async () => {
      // Bounded: at most 600 requests, about 5 minutes.
      while (!done && requests < 600) {
        const p = web[requests % web.length]!;
        requests++;
        if ((await echoAt(p.status.podIP!)) !== p.metadata.name) failures++;
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await helm(['upgrade', release.name, chart, '-n', release.namespace, '--reuse-values', '--set', 'injector.logLevel=debug', '--wait', '--timeout', '5m']);
    await controlPlaneAvailable();
    done = true;
    await load;
    expect(requests).toBeGreaterThan(0);
    expect(failures).toBe(0);
    const cm = await kubectl.json<{ data: Record<string, string> }>(['-n', release.namespace, 'get', 'configmap', 'weft-injector']);
    expect(JSON.parse(cm.data['settings.json']!).logLevel).toBe('debug');
    expect((await helm(['test', release.name, '-n', release.namespace, '--logs']))).toContain('ok: webhook answered');
  });

  it('uninstall leaves no webhook and keeps the CRD and meshed pods serving; reinstall injects again', async () => {
    const web = await readyPods(meshed, 'app=web', 2);
    await helm(['uninstall', release.name, '-n', release.namespace, '--wait', '--timeout', '3m']);
    const hooks = await kubectl.run(['get', 'mutatingwebhookconfiguration', 'weft-sidecar-injector', '--ignore-not-found', '-o', 'name']);
    expect(hooks.stdout.trim()).toBe('');
    await kubectl.run(['get', 'crd', 'trafficpolicies.policy.weft.dev']);
    for (const p of web) expect(await echoAt(p.status.podIP!)).toBe(p.metadata.name);
    expect((await pods(meshed, 'app=web')).every(isReady)).toBe(true);

    await install();
    for (const p of web) expect(await echoAt(p.status.podIP!)).toBe(p.metadata.name);
    await kubectl.run(['-n', meshed, 'rollout', 'restart', 'deployment/web']);
    await kubectl.run(['-n', meshed, 'rollout', 'status', 'deployment/web', '--timeout=180s']);
    const fresh = await readyPods(meshed, 'app=web', 2);
    for (const p of fresh) expect(p.spec.initContainers?.map((c) => c.name)).toEqual(['weft-init', 'weft-proxy']);
  });
});
