/** The install suite's helpers: install, upgrade and uninstall charts/weft with the cluster's images, and look at meshed pods. */
import { fileURLToPath } from 'node:url';
import { e2eKubectl } from '../cluster/cluster.js';
import { poll } from '../cluster/kube.js';
import { clusterSettings } from '../cluster/settings.js';

export const kubectl = e2eKubectl();
export const chart = fileURLToPath(new URL('../../charts/weft/', import.meta.url));
export const release = { name: 'weft', namespace: 'weft-system' };
const wait = { timeoutMs: 180_000, intervalMs: 1000 };

function image(ref: string): { repository: string; tag: string } {
  const i = ref.lastIndexOf(':');
  return { repository: ref.slice(0, i), tag: ref.slice(i + 1) };
}

/** `--set` flags pointing the chart at the images this cluster has loaded (never pulled). */
export function imageValues(): string[] {
  const s = clusterSettings();
  const cp = image(s.controlImage);
  const sc = image(s.sidecarImage);
  return [
    `controlPlane.image.repository=${cp.repository}`,
    `controlPlane.image.tag=${cp.tag}`,
    'controlPlane.image.pullPolicy=Never',
    `injector.image.repository=${sc.repository}`,
    `injector.image.tag=${sc.tag}`,
    'injector.image.pullPolicy=Never',
  ].flatMap((v) => ['--set', v]);
}

export async function helm(args: string[]): Promise<string> {
  return (await kubectl.helm(args, { timeoutMs: 360_000 })).stdout;
}

export async function install(extra: string[] = []): Promise<void> {
  await helm(['install', release.name, chart, '-n', release.namespace, '--create-namespace', ...imageValues(), ...extra, '--wait', '--timeout', '5m']);
}

export async function uninstall(): Promise<void> {
  await helm(['uninstall', release.name, '-n', release.namespace, '--ignore-not-found', '--wait', '--timeout', '3m']);
}

/**
 * No weft installed, by the chart or otherwise: another suite's plain manifest
 * (manifests/control-plane) holds the same names and cleans up after itself, but not if it was
 * killed; it deletes the weft-system namespace without waiting, so this waits for that too.
 */
export async function uninstalled(): Promise<void> {
  await kubectl.run(['delete', 'clusterrole,clusterrolebinding', 'weft-control-plane', '--ignore-not-found']);
  await kubectl.run(['-n', release.namespace, 'delete', 'deployment,service,serviceaccount', 'weft-control-plane', '--ignore-not-found']).catch(() => undefined);
  await uninstall().catch(() => undefined);
  await poll(async () => {
    const phase = await kubectl.run(['get', 'namespace', release.namespace, '--ignore-not-found', '-o', 'jsonpath={.status.phase}']);
    return phase.stdout.trim() === 'Terminating' ? undefined : true;
  }, { what: `namespace ${release.namespace} not terminating`, ...wait });
}

export async function controlPlaneAvailable(): Promise<void> {
  await kubectl.run(['-n', release.namespace, 'rollout', 'status', 'deployment/weft-control-plane', '--timeout=180s']);
}

export interface Pod {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec: { initContainers?: { name: string; restartPolicy?: string }[]; containers: { name: string }[] };
  status: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[]; initContainerStatuses?: { name: string; ready: boolean; started?: boolean }[] };
}

export async function pods(namespace: string, selector: string): Promise<Pod[]> {
  return (await kubectl.json<{ items: Pod[] }>(['-n', namespace, 'get', 'pods', '-l', selector])).items.filter((p) => !p.metadata.deletionTimestamp);
}

export const isReady = (p: Pod): boolean => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Exactly `count` pods of the selector, all Ready. */
export function readyPods(namespace: string, selector: string, count: number): Promise<Pod[]> {
  return poll(async () => {
    const all = await pods(namespace, selector);
    return all.length === count && all.every(isReady) ? all : undefined;
  }, { what: `${count} ready pods ${namespace}/${selector}`, ...wait });
}

/** What the echo app at the pod answers (through the pod's inbound interception and sidecar), or the error. */
export async function echoAt(ip: string): Promise<string> {
  try {
    const res = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200 ? ((await res.json()) as { pod: string }).pod : `status ${res.status}`;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
}
