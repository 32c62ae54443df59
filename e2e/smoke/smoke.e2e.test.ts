/**
 * Smoke suite: the cluster features every later weft claim stands on, each proven on the real
 * cluster (issue 3's "Done when"): Deployments of locally built images, EndpointSlices, CoreDNS and
 * kube-proxy, TokenRequest/TokenReview and projected tokens, RBAC, admission webhooks, CRD status
 * subresources and native sidecars.
 */
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eKubectl } from '../cluster/cluster.js';
import { CommandError } from '../cluster/exec.js';
import { poll } from '../cluster/kube.js';
import { echoDeployment } from '../cluster/echo-app.js';
import { clusterSettings } from '../cluster/settings.js';
import { makeServingCert } from '../../common/testing/serving-cert.js';

const kubectl = e2eKubectl();
const settings = clusterSettings();
const image = settings.echoImage;
const ns = `e2e-smoke-${randomBytes(3).toString('hex')}`;
const domain = settings.clusterDomain;
const webhookName = `${ns}.e2e.weft.dev`;
const crdName = `widgets.${ns}.e2e.weft.dev`;

interface Pod {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { containers: { image: string }[] };
  status: {
    podIP?: string;
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; ready: boolean; state: Record<string, unknown> }[];
    initContainerStatuses?: { name: string; ready: boolean; started?: boolean; state: Record<string, unknown> }[];
  };
}
interface EndpointSlice {
  endpoints: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string } }[] | null;
}

const json = (o: unknown): string => JSON.stringify(o);
const isReady = (pod: Pod): boolean => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function pods(selector: string): Promise<Pod[]> {
  return (await kubectl.json<{ items: Pod[] }>(['-n', ns, 'get', 'pods', '-l', selector])).items;
}

/** Ready endpoint addresses of the Service's EndpointSlices. */
async function readyEndpoints(service: string): Promise<string[]> {
  const slices = await kubectl.json<{ items: EndpointSlice[] }>([
    '-n', ns, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`,
  ]);
  return slices.items
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready === true)
    .flatMap((e) => e.addresses)
    .sort();
}

function service(name: string, port: number, targetPort: number): object {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port, targetPort }] } };
}

/** A long-running pod of the echo image to exec from, with a projected token for audience weft-e2e. */
const clientPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'client' },
  spec: {
    serviceAccountName: 'smoke',
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'client',
        image,
        imagePullPolicy: 'Never',
        command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'],
        volumeMounts: [{ name: 'weft-token', mountPath: '/var/run/secrets/weft', readOnly: true }],
      },
    ],
    volumes: [
      {
        name: 'weft-token',
        projected: {
          sources: [{ serviceAccountToken: { audience: 'weft-e2e', expirationSeconds: 3600, path: 'token' } }],
        },
      },
    ],
  },
};

async function exec(pod: string, command: string[], container?: string): Promise<string> {
  const c = container ? ['-c', container] : [];
  return (await kubectl.run(['-n', ns, 'exec', pod, ...c, '--', ...command])).stdout;
}

interface ClientResult {
  address?: string;
  error?: string;
  responses?: { status: number; body: string }[];
}

/**
 * GET `url` `count` times from the client pod. A new Service becomes reachable only once CoreDNS has
 * seen it and kube-proxy has programmed its rules, both eventually: retry (bounded) until the client
 * succeeds, and on time-out report the client's own error (it prints one JSON line even on failure).
 * `until` names what is still missing from a result (kube-proxy programs a new endpoint a little
 * after the EndpointSlice lists it), and the poll goes on while it does.
 */
async function fetchFromClient(url: string, count: number, until?: (r: ClientResult) => string | undefined): Promise<ClientResult> {
  return poll(
    async () => {
      let out: string;
      try {
        out = await exec('client', ['node', '/app/client.mjs', url, String(count)]);
      } catch (err) {
        if (!(err instanceof CommandError) || !err.stdout.trim()) throw err;
        throw new Error(`client: ${(JSON.parse(err.stdout) as ClientResult).error ?? err.stdout.trim()}`);
      }
      const result = JSON.parse(out) as ClientResult;
      const missing = until?.(result);
      if (missing) throw new Error(missing);
      return result;
    },
    { what: `the client pod to reach ${url}`, timeoutMs: 60_000, intervalMs: 1000 },
  );
}

function apis(): { core: k8s.CoreV1Api; authn: k8s.AuthenticationV1Api } {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubectl.target.kubeconfig);
  return { core: kc.makeApiClient(k8s.CoreV1Api), authn: kc.makeApiClient(k8s.AuthenticationV1Api) };
}

describe(`local cluster smoke (namespace ${ns})`, () => {
  beforeAll(async () => {
    await kubectl.run(['create', 'namespace', ns]);
    await kubectl.run(['-n', ns, 'create', 'serviceaccount', 'smoke']);
    await kubectl.apply([echoDeployment('reviews', 2), service('reviews', 9080, 8080), clientPod].map(json).join('\n'), ns);
  });

  afterAll(async () => {
    const quiet = (args: string[]) => kubectl.run(args).catch(() => undefined);
    await quiet(['delete', 'mutatingwebhookconfiguration', webhookName, '--ignore-not-found']);
    await quiet(['delete', 'validatingwebhookconfiguration', webhookName, '--ignore-not-found']);
    await quiet(['delete', 'crd', crdName, '--ignore-not-found']);
    await quiet(['delete', 'namespace', ns, '--wait=false']);
  });

  it('runs a Deployment of 2 replicas of a locally built image to Ready', async () => {
    await kubectl.run(['-n', ns, 'rollout', 'status', 'deployment/reviews', '--timeout=150s']);
    const replicas = await pods('app=reviews');
    expect(replicas).toHaveLength(2);
    for (const pod of replicas) {
      expect(isReady(pod)).toBe(true);
      expect(pod.spec.containers[0]?.image).toBe(image);
    }
  });

  it("lists both pod IPs in the Service's EndpointSlice", async () => {
    const podIPs = (await pods('app=reviews')).map((p) => p.status.podIP ?? '').sort();
    expect(podIPs.every((ip) => ip !== '')).toBe(true);
    const addresses = await poll(async () => {
      const ready = await readyEndpoints('reviews');
      return ready.length === 2 ? ready : undefined;
    }, { what: 'two ready endpoints for reviews', timeoutMs: 60_000 });
    expect(addresses).toEqual(podIPs);
  });

  it('resolves the Service name through CoreDNS and reaches both replicas through kube-proxy', async () => {
    await kubectl.run(['-n', ns, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s']);
    const clusterIP = (await kubectl.json<{ spec: { clusterIP: string } }>(['-n', ns, 'get', 'service', 'reviews'])).spec.clusterIP;
    const names = (await pods('app=reviews')).map((p) => p.metadata.name).sort();

    const servedBy = (r: ClientResult): string[] => [...new Set(r.responses?.map((x) => (JSON.parse(x.body) as { pod: string }).pod))].sort();
    const full = await fetchFromClient(`http://reviews.${ns}.svc.${domain}:9080/full`, 30, (r) => {
      const served = servedBy(r);
      return served.length < names.length ? `30 requests served only by ${served.join(', ')}` : undefined;
    });
    expect(full.error).toBeUndefined();
    expect(full.address).toBe(clusterIP);
    expect(full.responses?.every((r) => r.status === 200)).toBe(true);
    expect(servedBy(full)).toEqual(names);

    // The short name, as meshed apps call it, through the pod's DNS search path.
    const short = await fetchFromClient('http://reviews:9080/short', 1);
    expect(short.address).toBe(clusterIP);
    expect(JSON.parse(short.responses?.[0]?.body ?? '{}')).toMatchObject({ path: '/short', host: 'reviews:9080' });
  });

  it('issues a TokenRequest token that passes a TokenReview, and rejects a forged one', async () => {
    const { core, authn } = apis();
    const request = await core.createNamespacedServiceAccountToken({
      name: 'smoke',
      namespace: ns,
      body: { spec: { audiences: ['weft-e2e'], expirationSeconds: 600 } },
    });
    const token = request.status?.token ?? '';
    expect(token.split('.')).toHaveLength(3);

    const review = await authn.createTokenReview({ body: { spec: { token, audiences: ['weft-e2e'] } } });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${ns}:smoke`);
    expect(review.status?.audiences).toEqual(['weft-e2e']);

    const wrongAudience = await authn.createTokenReview({ body: { spec: { token, audiences: ['someone-else'] } } });
    expect(wrongAudience.status?.authenticated).not.toBe(true);
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature?.slice(0, -4)}AAAA`;
    const forgedReview = await authn.createTokenReview({ body: { spec: { token: forged, audiences: ['weft-e2e'] } } });
    expect(forgedReview.status?.authenticated).not.toBe(true);
  });

  it("mounts a projected service-account token bound to the pod, which the apiserver accepts", async () => {
    const token = (await exec('client', ['cat', '/var/run/secrets/weft/token'])).trim();
    const review = await apis().authn.createTokenReview({ body: { spec: { token, audiences: ['weft-e2e'] } } });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${ns}:smoke`);
    expect(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name']).toEqual(['client']);
  });

  it('enforces RBAC: a service account may list pods only once a RoleBinding allows it', async () => {
    const sa = `system:serviceaccount:${ns}:smoke`;
    const canList = async (): Promise<boolean> => {
      try {
        await kubectl.run(['-n', ns, 'auth', 'can-i', 'list', 'pods', `--as=${sa}`]);
        return true;
      } catch (err) {
        if (err instanceof CommandError && err.exitCode === 1) return false;
        throw err;
      }
    };
    expect(await canList()).toBe(false);
    await kubectl.run(['-n', ns, 'create', 'role', 'pod-reader', '--verb=list', '--resource=pods']);
    await kubectl.run(['-n', ns, 'create', 'rolebinding', 'smoke-pod-reader', '--role=pod-reader', `--serviceaccount=${ns}:smoke`]);
    await poll(async () => ((await canList()) ? true : undefined), { what: 'RBAC to allow listing pods', timeoutMs: 30_000 });
  });

  it('calls a mutating webhook that changes new pods and a validating webhook that refuses them', async () => {
    const host = `webhook.${ns}.svc`;
    const tls = makeServingCert([host, `${host}.${domain}`]);
    await kubectl.apply(json({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'webhook-tls' },
      stringData: { 'tls.crt': tls.certPem, 'tls.key': tls.keyPem },
    }), ns);
    const deployment = echoDeployment('webhook', 1) as { spec: { template: { spec: Record<string, unknown> } } };
    Object.assign(deployment.spec.template.spec, {
      containers: [
        {
          name: 'webhook',
          image,
          imagePullPolicy: 'Never',
          command: ['node', '/app/webhook.mjs'],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          ports: [{ containerPort: 8443 }],
          readinessProbe: { httpGet: { path: '/healthz', port: 8443, scheme: 'HTTPS' }, periodSeconds: 1 },
          volumeMounts: [{ name: 'tls', mountPath: '/tls', readOnly: true }],
        },
      ],
      volumes: [{ name: 'tls', secret: { secretName: 'webhook-tls' } }],
    });
    await kubectl.apply([deployment, service('webhook', 443, 8443)].map(json).join('\n'), ns);
    await kubectl.run(['-n', ns, 'rollout', 'status', 'deployment/webhook', '--timeout=120s']);

    const caBundle = Buffer.from(tls.caPem).toString('base64');
    const hook = (name: string, path: string) => ({
      name,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Fail',
      timeoutSeconds: 5,
      clientConfig: { service: { namespace: ns, name: 'webhook', port: 443, path }, caBundle },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
      objectSelector: { matchLabels: { 'e2e.weft.dev/webhook-test': 'true' } },
    });
    await kubectl.apply([
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: webhookName }, webhooks: [hook(`mutate.${webhookName}`, '/mutate')] },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: webhookName }, webhooks: [hook(`validate.${webhookName}`, '/validate')] },
    ].map(json).join('\n'));

    const testPod = (name: string, labels: Record<string, string>) => json({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { 'e2e.weft.dev/webhook-test': 'true', ...labels } },
      spec: { containers: [{ name: 'app', image, imagePullPolicy: 'Never' }] },
    });
    // The apiserver picks up new webhook configurations within moments; a server-side dry run
    // goes through admission without creating anything, so it is retried until the webhook answers.
    const mutated = await poll(async () => {
      const { stdout } = await kubectl.run(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: testPod('mutated', {}) });
      const pod = JSON.parse(stdout) as Pod;
      return pod.metadata.annotations?.['e2e.weft.dev/mutated'] ? pod : undefined;
    }, { what: 'the mutating webhook to annotate a pod', timeoutMs: 60_000 });
    expect(mutated.metadata.annotations?.['e2e.weft.dev/mutated']).toMatch(/^webhook-/);

    await kubectl.run(['create', '-f', '-'], { input: testPod('mutated', {}) });
    const stored = await kubectl.json<Pod>(['-n', ns, 'get', 'pod', 'mutated']);
    expect(stored.metadata.annotations?.['e2e.weft.dev/mutated']).toMatch(/^webhook-/);

    const denied = await kubectl.run(['create', '-f', '-'], { input: testPod('denied', { 'e2e.weft.dev/deny': 'true' }) }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(denied).toBeInstanceOf(CommandError);
    expect((denied as CommandError).stderr).toContain('denied by the e2e validating webhook');
    await expect(kubectl.run(['-n', ns, 'get', 'pod', 'denied'])).rejects.toThrow(/NotFound|not found/);
  });

  it('accepts status writes through the status subresource of a CRD, and only there', async () => {
    const group = `${ns}.e2e.weft.dev`;
    await kubectl.apply(json({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'integer' } } },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
              },
            },
          },
        }],
      },
    }));
    await kubectl.run(['wait', '--for=condition=Established', `crd/${crdName}`, '--timeout=60s']);
    const resource = `widgets.${group}`;
    await poll(async () => {
      await kubectl.apply(json({ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } }), ns);
      return true;
    }, { what: 'the Widget API to be served', timeoutMs: 30_000 });

    await kubectl.run(['-n', ns, 'patch', resource, 'w', '--subresource=status', '--type=merge', '-p', json({ status: { phase: 'Ready' } })]);
    type Widget = { metadata: { generation: number }; spec: { size: number }; status?: { phase?: string } };
    const afterStatus = await kubectl.json<Widget>(['-n', ns, 'get', resource, 'w']);
    expect(afterStatus.status?.phase).toBe('Ready');
    expect(afterStatus.metadata.generation).toBe(1);

    // With the subresource on, a write to the main resource changes spec and ignores status.
    await kubectl.run(['-n', ns, 'patch', resource, 'w', '--type=merge', '-p', json({ spec: { size: 3 }, status: { phase: 'Broken' } })]);
    const afterSpec = await kubectl.json<Widget>(['-n', ns, 'get', resource, 'w']);
    expect(afterSpec.spec.size).toBe(3);
    expect(afterSpec.status?.phase).toBe('Ready');
    expect(afterSpec.metadata.generation).toBe(2);
  });

  it('runs a native sidecar (init container with restartPolicy Always) beside the app container', async () => {
    await kubectl.apply(json({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'with-sidecar' },
      spec: {
        terminationGracePeriodSeconds: 0,
        initContainers: [{
          name: 'sidecar',
          image,
          imagePullPolicy: 'Never',
          restartPolicy: 'Always',
          env: [{ name: 'PORT', value: '8081' }, { name: 'POD_NAME', value: 'the-sidecar' }],
          readinessProbe: { httpGet: { path: '/', port: 8081 }, periodSeconds: 1 },
        }],
        containers: [{ name: 'app', image, imagePullPolicy: 'Never', command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'] }],
      },
    }), ns);
    await kubectl.run(['-n', ns, 'wait', '--for=condition=Ready', 'pod/with-sidecar', '--timeout=120s']);
    const pod = await kubectl.json<Pod>(['-n', ns, 'get', 'pod', 'with-sidecar']);
    const sidecar = pod.status.initContainerStatuses?.[0];
    expect(sidecar?.name).toBe('sidecar');
    expect(sidecar?.started).toBe(true);
    expect(sidecar?.ready).toBe(true);
    expect(sidecar?.state).toHaveProperty('running');
    expect(pod.status.containerStatuses?.[0]?.state).toHaveProperty('running');
    // The sidecar shares the pod's network: the app reaches it on localhost.
    const out = JSON.parse(await exec('with-sidecar', ['node', '/app/client.mjs', 'http://localhost:8081/', '1'], 'app')) as ClientResult;
    expect(JSON.parse(out.responses?.[0]?.body ?? '{}')).toMatchObject({ pod: 'the-sidecar' });
  });

  it('updates the EndpointSlice when a pod is deleted', async () => {
    const before = await pods('app=reviews');
    const victim = before[0];
    expect(victim?.status.podIP).toBeDefined();
    const victimIP = victim?.status.podIP ?? '';
    await kubectl.run(['-n', ns, 'delete', 'pod', victim?.metadata.name ?? '', '--wait=false']);

    await poll(async () => ((await readyEndpoints('reviews')).includes(victimIP) ? undefined : true), {
      what: `the deleted pod's address ${victimIP} to leave the ready endpoints`,
      timeoutMs: 60_000,
    });
    // The Deployment replaces the pod, and the slice follows with the new pod's address.
    const after = await poll(async () => {
      const ready = await readyEndpoints('reviews');
      const current = (await pods('app=reviews')).filter(isReady).map((p) => p.status.podIP ?? '').sort();
      return ready.length === 2 && !ready.includes(victimIP) && json(ready) === json(current) ? ready : undefined;
    }, { what: 'two ready endpoints again, without the deleted pod', timeoutMs: 120_000 });
    expect(after).not.toContain(victimIP);
  });
});
