/** Stops and starts only the local cluster's kube-apiserver (e2e/cluster/apiserver.sh), for restart tests. */
import { join } from 'node:path';
import { run } from './exec.js';
import { scriptsDir } from './settings.js';

const script = (action: 'stop' | 'start'): Promise<unknown> => run(['bash', join(scriptsDir(), 'apiserver.sh'), action], { timeoutMs: 180_000 });

/** Stops kube-apiserver by its PID and keeps its command line for startApiserver. */
export async function stopApiserver(): Promise<void> {
  await script('stop');
}

/** Starts kube-apiserver again with the command line it had and resolves once /readyz answers. */
export async function startApiserver(): Promise<void> {
  await script('start');
}
