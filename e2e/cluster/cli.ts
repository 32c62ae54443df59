/** `node dist/e2e/cluster/cli.js up|down|status`: the local cluster from make targets. */
import { clusterDown, clusterIsUp, clusterUp } from './cluster.js';
import { clusterSettings } from './settings.js';

const command = process.argv[2];
try {
  switch (command) {
    case 'up': {
      await clusterUp({ log: (line) => console.log(`[cluster] ${line}`) });
      const s = clusterSettings();
      console.log(`[cluster] KUBECONFIG=${s.kubeconfig}; kubectl and helm: make cluster-shell`);
      break;
    }
    case 'down':
      await clusterDown();
      break;
    case 'status': {
      const up = await clusterIsUp();
      console.log(up ? 'up' : 'down');
      process.exitCode = up ? 0 : 1;
      break;
    }
    default:
      console.error('usage: cli.js up|down|status');
      process.exitCode = 2;
  }
} catch (err) {
  console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
