/**
 * The steps after "the cluster exists and the images are on its node", shared by the local
 * cluster (cluster-up) and kind (kind-up), so what CI proves is what kind users run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { run } from './exec.js';
import type { Kubectl } from './kube.js';
import { clusterSettings, scriptsDir } from './settings.js';

/** API resources later issues rely on; a cluster without one of them is refused up front. */
export const REQUIRED_RESOURCES = [
  'v1/serviceaccounts/token',
  'authentication.k8s.io/v1/tokenreviews',
  'authorization.k8s.io/v1/subjectaccessreviews',
  'rbac.authorization.k8s.io/v1/roles',
  'admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  'admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
  'apiextensions.k8s.io/v1/customresourcedefinitions',
  'discovery.k8s.io/v1/endpointslices',
  'coordination.k8s.io/v1/leases',
] as const;

/** Native sidecars (init containers with restartPolicy Always) are on by default from 1.29. */
export const MIN_KUBERNETES_MINOR = 29;

export interface ResourceList {
  groupVersion: string;
  resources: { name: string }[];
}

/** The required resources that discovery does not list, as "groupVersion/name". */
export function missingResources(lists: readonly ResourceList[]): string[] {
  const have = new Set(lists.flatMap((l) => l.resources.map((r) => `${l.groupVersion}/${r.name}`)));
  return REQUIRED_RESOURCES.filter((r) => !have.has(r));
}

export function parseMinor(version: { major: string; minor: string }): number {
  // Some distributions report minor as "33+".
  const minor = Number.parseInt(version.minor, 10);
  if (version.major !== '1' || Number.isNaN(minor)) throw new Error(`unexpected Kubernetes version ${version.major}.${version.minor}`);
  return minor;
}

export interface PreparedCluster {
  serverVersion: string;
  nodes: string[];
}

export async function prepareCluster(kubectl: Kubectl, log: (line: string) => void): Promise<PreparedCluster> {
  log('waiting for every node to be Ready');
  await kubectl.run(['wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=180s']);
  log('waiting for cluster DNS (kube-system/coredns)');
  await kubectl.run(['-n', 'kube-system', 'wait', '--for=condition=Available', 'deployment/coredns', '--timeout=180s']);

  const version = JSON.parse((await kubectl.run(['get', '--raw', '/version'])).stdout) as {
    major: string;
    minor: string;
    gitVersion: string;
  };
  if (parseMinor(version) < MIN_KUBERNETES_MINOR) {
    throw new Error(`Kubernetes ${version.gitVersion} is older than 1.${MIN_KUBERNETES_MINOR}: no native sidecars`);
  }
  const groupVersions = ['v1', ...new Set(REQUIRED_RESOURCES.filter((r) => r.includes('.')).map((r) => r.split('/').slice(0, 2).join('/')))];
  const lists = await Promise.all(
    groupVersions.map(async (gv) => {
      const path = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
      return JSON.parse((await kubectl.run(['get', '--raw', path])).stdout) as ResourceList;
    }),
  );
  const missing = missingResources(lists);
  if (missing.length > 0) throw new Error(`the cluster lacks API resources weft needs: ${missing.join(', ')}`);
  const nodes = (await kubectl.json<{ items: { metadata: { name: string } }[] }>(['get', 'nodes'])).items.map(
    (n) => n.metadata.name,
  );
  await installGatewayApi(kubectl, log);
  log(`cluster ready: Kubernetes ${version.gitVersion}, nodes ${nodes.join(', ')}, all required APIs served`);
  return { serverVersion: version.gitVersion, nodes };
}

/** Names of the CustomResourceDefinitions in a multi-document manifest. */
export function crdNames(manifest: string): string[] {
  return parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((o) => o?.kind === 'CustomResourceDefinition' && typeof o.metadata?.name === 'string')
    .map((o) => o!.metadata!.name!);
}

/**
 * Installs the Gateway API CRDs (standard channel) at the pinned version, as users of other meshes
 * install them from the upstream release: weft's routes are HTTPRoutes and GRPCRoutes.
 */
export async function installGatewayApi(kubectl: Kubectl, log: (line: string) => void): Promise<void> {
  const { gatewayApiCrds, gatewayApiVersion } = clusterSettings();
  if (!existsSync(gatewayApiCrds)) await run(['bash', join(scriptsDir(), 'fetch-gateway-api.sh')], { inherit: true });
  const manifest = readFileSync(gatewayApiCrds, 'utf8');
  const names = crdNames(manifest);
  if (names.length === 0) throw new Error(`${gatewayApiCrds} holds no CustomResourceDefinition`);
  log(`installing the Gateway API ${gatewayApiVersion} CRDs (standard channel): ${names.length}`);
  await kubectl.apply(manifest);
  await kubectl.run(['wait', '--for=condition=Established', ...names.map((n) => `crd/${n}`), '--timeout=60s']);
}
