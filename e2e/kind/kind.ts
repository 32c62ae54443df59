/**
 * A typed wrapper around the kind CLI and `docker build`, for users with a Docker engine.
 * Command building is pure (unit-tested in kind.test.ts); Kind runs the commands.
 */
import { run } from '../cluster/exec.js';
import type { RunResult } from '../cluster/exec.js';

/** The kind node image: Kubernetes 1.33, the minor the local cluster pins (docs/cluster.md). */
export const DEFAULT_NODE_IMAGE = 'kindest/node:v1.33.1';
export const DEFAULT_CLUSTER_NAME = 'weft';

export class KindUsageError extends Error {
  readonly code = 'E2E_KIND_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'KindUsageError';
  }
}

/** kind names its containers and kubeconfig contexts after the cluster, so it must be a DNS label. */
export function validateClusterName(name: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/.test(name)) {
    throw new KindUsageError(`invalid kind cluster name ${JSON.stringify(name)}: lowercase letters, digits and '-', at most 50`);
  }
  return name;
}

export interface CreateOptions {
  name: string;
  nodeImage?: string;
  configFile?: string;
  kubeconfig?: string;
  /** How long kind waits for the control plane, e.g. "120s". */
  wait?: string;
}

export function createClusterArgs(o: CreateOptions, kind = 'kind'): string[] {
  const args = [kind, 'create', 'cluster', '--name', validateClusterName(o.name), '--image', o.nodeImage ?? DEFAULT_NODE_IMAGE];
  if (o.configFile) args.push('--config', o.configFile);
  if (o.kubeconfig) args.push('--kubeconfig', o.kubeconfig);
  if (o.wait) {
    if (!/^\d+(s|m)$/.test(o.wait)) throw new KindUsageError(`invalid --wait ${JSON.stringify(o.wait)}: use e.g. 120s or 2m`);
    args.push('--wait', o.wait);
  }
  return args;
}

export function deleteClusterArgs(name: string, kubeconfig?: string, kind = 'kind'): string[] {
  const args = [kind, 'delete', 'cluster', '--name', validateClusterName(name)];
  if (kubeconfig) args.push('--kubeconfig', kubeconfig);
  return args;
}

export function getClustersArgs(kind = 'kind'): string[] {
  return [kind, 'get', 'clusters'];
}

export function exportKubeconfigArgs(name: string, kubeconfig: string, kind = 'kind'): string[] {
  return [kind, 'export', 'kubeconfig', '--name', validateClusterName(name), '--kubeconfig', kubeconfig];
}

export function loadImagesArgs(name: string, images: readonly string[], kind = 'kind'): string[] {
  if (images.length === 0) throw new KindUsageError('kind load docker-image needs at least one image');
  return [kind, 'load', 'docker-image', '--name', validateClusterName(name), ...images];
}

export interface DockerBuild {
  dockerfile: string;
  tag: string;
  context: string;
  buildArgs?: Record<string, string>;
}

export function dockerBuildArgs(b: DockerBuild, docker = 'docker'): string[] {
  const args = [docker, 'build', '-f', b.dockerfile, '-t', b.tag];
  for (const [key, value] of Object.entries(b.buildArgs ?? {}).sort(([a], [c]) => a.localeCompare(c))) {
    args.push('--build-arg', `${key}=${value}`);
  }
  args.push(b.context);
  return args;
}

/** `kind get clusters` prints one name a line ("No kind clusters found." goes to stderr). */
export function parseClusterList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('No kind clusters'));
}

type Exec = (argv: readonly string[], options?: { inherit?: boolean }) => Promise<RunResult>;

export class Kind {
  constructor(
    private readonly exec: Exec = run,
    private readonly kind = 'kind',
    private readonly docker = 'docker',
  ) {}

  async clusters(): Promise<string[]> {
    return parseClusterList((await this.exec(getClustersArgs(this.kind))).stdout);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.clusters()).includes(name);
  }

  async create(o: CreateOptions): Promise<void> {
    await this.exec(createClusterArgs(o, this.kind), { inherit: true });
  }

  async delete(name: string, kubeconfig?: string): Promise<void> {
    await this.exec(deleteClusterArgs(name, kubeconfig, this.kind), { inherit: true });
  }

  async exportKubeconfig(name: string, kubeconfig: string): Promise<void> {
    await this.exec(exportKubeconfigArgs(name, kubeconfig, this.kind));
  }

  async build(b: DockerBuild): Promise<void> {
    await this.exec(dockerBuildArgs(b, this.docker), { inherit: true });
  }

  async load(name: string, images: readonly string[]): Promise<void> {
    await this.exec(loadImagesArgs(name, images, this.kind), { inherit: true });
  }
}
