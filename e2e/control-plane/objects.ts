/** Cluster objects the control-plane suites create: a namespace, weft's and Gateway API's CRDs, echo Deployments behind Services. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { e2eKubectl } from '../cluster/cluster.js';
import { poll } from '../cluster/kube.js';
import { ECHO_PORT, echoDeployment } from '../cluster/echo-app.js';
import { clusterSettings } from '../cluster/settings.js';

export const kubectl = e2eKubectl();
const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const json = (o: unknown): string => JSON.stringify(o);

/** What a sidecar's app puts in Host to reach a Service. */
export const hostOf = (service: string, namespace: string): string => `${service}.${namespace}.svc.${clusterSettings().clusterDomain}:${ECHO_PORT}`;

/**
 * Creates the namespace and installs weft's TrafficPolicy CRD (idempotent), and waits until it and
 * Gateway API's HTTPRoute CRD (installed with the cluster, e2e/cluster/prepare.ts) are served.
 */
export async function prepare(namespace: string): Promise<void> {
  await kubectl.apply(json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
  await kubectl.apply(readFileSync(repo('manifests/crds/trafficpolicies.policy.weft.dev.yaml'), 'utf8'));
  for (const crd of ['trafficpolicies.policy.weft.dev', 'httproutes.gateway.networking.k8s.io']) {
    await kubectl.run(['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=60s']);
  }
}

export async function deleteNamespace(namespace: string): Promise<void> {
  await kubectl.run(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
}

/** A Deployment of the echo app (answers with its pod name) and a Service of the same name in front of it. */
export async function echoService(namespace: string, name: string, replicas: number): Promise<void> {
  const deployment = echoDeployment(name, replicas, namespace);
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ name: 'http', port: ECHO_PORT, targetPort: ECHO_PORT }] } };
  await kubectl.apply(json(deployment));
  await kubectl.apply(json(service));
}

export async function scale(namespace: string, name: string, replicas: number): Promise<void> {
  await kubectl.run(['-n', namespace, 'scale', `deployment/${name}`, `--replicas=${replicas}`]);
}

/** Names of the Deployment's pods that are Ready and not terminating, once there are exactly `count` of them and no others. */
export function readyPods(namespace: string, app: string, count: number, label = 'app'): Promise<string[]> {
  interface Pod { metadata: { name: string; deletionTimestamp?: string }; status: { conditions?: { type: string; status: string }[] } }
  return poll(
    async () => {
      const pods = (await kubectl.json<{ items: Pod[] }>(['-n', namespace, 'get', 'pods', '-l', `${label}=${app}`])).items;
      const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return pods.length === count && ready.length === count ? ready.map((p) => p.metadata.name).sort() : undefined;
    },
    { what: `${count} ready pods of ${namespace}/${app} and no others`, timeoutMs: 120_000 },
  );
}

export interface Condition { type: string; status: string; reason: string; message: string; observedGeneration?: number }

/** A TrafficPolicy on a Service, with the given spec sections. */
export async function applyPolicy(namespace: string, name: string, target: string, spec: Record<string, unknown>): Promise<void> {
  await kubectl.apply(json({ apiVersion: 'policy.weft.dev/v1alpha1', kind: 'TrafficPolicy', metadata: { name, namespace }, spec: { targetRef: { kind: 'Service', name: target }, ...spec } }));
}

/** A GAMMA HTTPRoute on Service `parent` splitting its traffic over weighted backend Services. */
export async function applyRoute(namespace: string, name: string, parent: string, backends: Record<string, number>): Promise<void> {
  const backendRefs = Object.entries(backends).map(([svc, weight]) => ({ name: svc, port: ECHO_PORT, weight }));
  await kubectl.apply(json({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace }, spec: { parentRefs: [{ group: '', kind: 'Service', name: parent, port: ECHO_PORT }], rules: [{ backendRefs }] } }));
}

export async function remove(namespace: string, kind: string, name: string): Promise<void> {
  await kubectl.run(['-n', namespace, 'delete', kind, name, '--ignore-not-found']);
}
