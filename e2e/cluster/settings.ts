/** The local cluster's settings, read from the shell scripts' own config (e2e/cluster/env.sh). */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ClusterSettings {
  weftCache: string;
  clusterDir: string;
  kubeconfig: string;
  netns: string;
  netnsPath: string;
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  serviceCIDR: string;
  dnsServiceIP: string;
  clusterDomain: string;
  apiserverURL: string;
  kubernetesVersion: string;
  kubectl: string;
  helm: string;
  /** The Gateway API CRDs (standard channel) at the pinned version, fetched by fetch-gateway-api.sh. */
  gatewayApiCrds: string;
  gatewayApiVersion: string;
  echoImage: string;
  demoAppImage: string;
  nodeBaseImage: string;
  sidecarImage: string;
  controlImage: string;
}

/** e2e/cluster, found from this file whether it runs from sources or from dist/e2e/cluster. */
export function scriptsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const repo = here.includes(`${join('dist', 'e2e')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
  return join(repo, 'e2e', 'cluster');
}

export function parseEnvLines(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

let cached: ClusterSettings | undefined;

export function clusterSettings(): ClusterSettings {
  if (cached) return cached;
  const values = parseEnvLines(execFileSync('bash', [join(scriptsDir(), 'env.sh')], { encoding: 'utf8' }));
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`e2e/cluster/env.sh did not print ${key}`);
    return value;
  };
  cached = {
    weftCache: get('WEFT_CACHE'),
    clusterDir: get('CLUSTER_DIR'),
    kubeconfig: get('KUBECONFIG_PATH'),
    netns: get('NETNS'),
    netnsPath: get('NETNS_PATH'),
    nodeName: get('NODE_NAME'),
    nodeIP: get('NODE_IP'),
    podCIDR: get('POD_CIDR'),
    serviceCIDR: get('SERVICE_CIDR'),
    dnsServiceIP: get('DNS_SVC_IP'),
    clusterDomain: get('CLUSTER_DOMAIN'),
    apiserverURL: get('APISERVER_URL'),
    kubernetesVersion: get('K8S_VERSION'),
    kubectl: join(get('K8S_BIN'), 'kubectl'),
    helm: get('HELM_BIN'),
    gatewayApiCrds: get('GATEWAY_API_CRDS'),
    gatewayApiVersion: get('GATEWAY_API_VERSION'),
    echoImage: get('ECHO_IMAGE'),
    demoAppImage: get('DEMO_APP_IMAGE'),
    nodeBaseImage: get('NODE_BASE_IMAGE'),
    sidecarImage: get('SIDECAR_IMAGE'),
    controlImage: get('CONTROL_IMAGE'),
  };
  return cached;
}
