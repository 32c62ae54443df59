/** Refuses to start e2e suites that could not reach the cluster, with the command that would. */
import { clusterIsUp, insideClusterNetns } from './cluster.js';
import { clusterSettings } from './settings.js';

export default async function setup(): Promise<void> {
  const s = clusterSettings();
  if (process.env.WEFT_E2E_KUBECONFIG) return; // another cluster (kind): the suites use that kubeconfig
  if (!insideClusterNetns()) {
    throw new Error(`e2e suites run inside the network namespace ${s.netns}: use \`make e2e\``);
  }
  if (!(await clusterIsUp())) throw new Error('the local cluster is not up: run `make cluster-up`');
}
