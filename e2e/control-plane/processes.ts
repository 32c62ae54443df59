/** weft-control-plane and weft-sidecar (cluster mode) as real processes in the cluster's network namespace, on loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { entryNodeFlags } from '../../common/entry-flags.js';
import { clusterSettings } from '../cluster/settings.js';

const dist = (path: string): string => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

/** A started process, its parsed listen ports, and everything it printed (for failure messages). */
export interface Started<P> {
  child: ChildProcess;
  ports: P;
  output: () => string;
}

const started: ChildProcess[] = [];

/** SIGKILLs every process this module started that is still running, by PID, and waits for the exits. */
export async function stopAll(): Promise<void> {
  await Promise.all(started.splice(0).map(kill));
}

/** SIGKILL by PID, resolved once the process has exited. */
export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid!, 'SIGKILL');
  });
}

/** Spawns `node <entry>` and resolves with the JSON of the first stdout line containing `readyMsg`. */
function startNode<P>(entry: string, args: string[], env: NodeJS.ProcessEnv, readyMsg: string, what: string): Promise<Started<P>> {
  const child = spawn(process.execPath, [...entryNodeFlags(dist(entry)), dist(entry), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  started.push(child);
  let out = '';
  const output = (): string => out;
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes(readyMsg));
      if (line) resolve({ child, ports: JSON.parse(line) as P, output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before it was listening:\n${out.slice(-4000)}`)));
  });
}

export interface ControlPlaneOptions {
  /** The Lease lives in the suite's own namespace, so suites never contend with another control plane. */
  leaseNamespace: string;
  id: string;
  /** 0 picks an ephemeral port; a restart passes the port the sidecars already dial. */
  grpcPort?: number;
}

/** weft-control-plane out of cluster (the cluster's kubeconfig), resolved once it has listed everything and serves config. */
export async function startControlPlane(o: ControlPlaneOptions): Promise<Started<{ grpc: number; admin: number }>> {
  const args = [
    '--kubeconfig', clusterSettings().kubeconfig,
    '--grpc-address', `127.0.0.1:${o.grpcPort ?? 0}`,
    '--admin-address', '127.0.0.1:0',
    '--namespace', o.leaseNamespace,
    '--id', o.id,
    '--debounce-quiet', '50',
    '--debounce-max', '500',
  ];
  const cp = await startNode<{ grpc: number; admin: number }>('control-plane/main.js', args, {}, 'control plane listening', 'weft-control-plane');
  const deadline = performance.now() + 60_000;
  while (!cp.output().includes('serving config')) {
    if (cp.child.exitCode !== null || performance.now() > deadline) throw new Error(`weft-control-plane never served config:\n${cp.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return cp;
}

/** weft-sidecar in cluster mode with the identity of a (virtual) pod in `namespace`, every listener on 127.0.0.1:0. */
export function startSidecar(controlPlane: string, pod: string, namespace: string): Promise<Started<{ outbound: number; admin: number }>> {
  const env = { POD_NAME: pod, POD_NAMESPACE: namespace, WEFT_OUTBOUND: '127.0.0.1:0', WEFT_INBOUND: '127.0.0.1:0', WEFT_ADMIN: '127.0.0.1:0' };
  return startNode('sidecar/main.js', ['--control-plane', controlPlane], env, '"msg":"weft-sidecar', 'weft-sidecar');
}

/** An out-of-cluster control plane (its Lease in `namespace`) and one connected sidecar per pod name. */
export async function startMesh(namespace: string, id: string, pods: readonly string[]): Promise<{ cp: Started<{ grpc: number; admin: number }>; sidecars: { outbound: number; admin: number }[] }> {
  const cp = await startControlPlane({ leaseNamespace: namespace, id });
  const sidecars: { outbound: number; admin: number }[] = [];
  for (const pod of pods) sidecars.push((await startSidecar(`127.0.0.1:${cp.ports.grpc}`, pod, namespace)).ports);
  return { cp, sidecars };
}
