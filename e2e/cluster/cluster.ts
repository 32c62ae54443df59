/**
 * The local single-node cluster, for e2e tests and the CLI: bring it up or down (the shell
 * scripts beside this file do the work), and run kubectl or helm against it from inside or outside
 * its network namespace.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import { Kubectl } from './kube.js';
import { prepareCluster } from './prepare.js';
import type { PreparedCluster } from './prepare.js';
import { clusterSettings, scriptsDir } from './settings.js';

/** True when this process already runs in the cluster's network namespace (e.g. under make e2e). */
export function insideClusterNetns(netnsPath = clusterSettings().netnsPath): boolean {
  try {
    return statSync('/proc/self/ns/net').ino === statSync(netnsPath).ino;
  } catch {
    return false;
  }
}

/** argv run inside the cluster's network namespace, where the apiserver and service VIPs live. */
export function inClusterNetns(argv: readonly string[]): string[] {
  if (insideClusterNetns()) return [...argv];
  return ['nsenter', `--net=${clusterSettings().netnsPath}`, '--', ...argv];
}

export function localKubectl(): Kubectl {
  const s = clusterSettings();
  return new Kubectl({
    kubectl: s.kubectl,
    helm: s.helm,
    kubeconfig: s.kubeconfig,
    prefix: insideClusterNetns() ? [] : ['nsenter', `--net=${s.netnsPath}`, '--'],
  });
}

export async function clusterIsUp(): Promise<boolean> {
  try {
    await localKubectl().run(['get', '--raw', '/readyz'], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export interface UpOptions {
  log?: (line: string) => void;
}

/** Starts the cluster (idempotent), then runs the steps shared with kind. Needs root. */
export async function clusterUp(options: UpOptions = {}): Promise<PreparedCluster> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[cluster] ${line}\n`));
  await run(['bash', join(scriptsDir(), 'up.sh')], { inherit: true });
  return prepareCluster(localKubectl(), log);
}

/** Stops the cluster and removes its namespaces and files. Safe when nothing is up. */
export async function clusterDown(): Promise<void> {
  await run(['bash', join(scriptsDir(), 'down.sh')], { inherit: true });
}

/**
 * The cluster the e2e suites run against: the local one, or any other (kind) whose kubeconfig is
 * in WEFT_E2E_KUBECONFIG, with the pinned kubectl when it is built and kubectl from PATH if not.
 */
export function e2eKubectl(): Kubectl {
  const other = process.env.WEFT_E2E_KUBECONFIG;
  if (!other) return localKubectl();
  const s = clusterSettings();
  return new Kubectl({ kubectl: existsSync(s.kubectl) ? s.kubectl : 'kubectl', helm: s.helm, kubeconfig: other });
}
