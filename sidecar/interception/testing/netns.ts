/**
 * A pod-like pair of network namespaces for interception tests: "pod" (where weft-init, the sidecar
 * and the app run) and "peer" (another pod), joined by a veth pair, each with loopback up. Every
 * process started here is stopped and both namespaces are deleted by `destroy`, also after a failure.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const repo = new URL('../../../', import.meta.url).pathname;

/** What processes of other UIDs run, copied where they can read it (the checkout may be in a private home). */
export interface Staged {
  /** The servers and clients started inside the namespaces (run with `node`). */
  tools: string;
  /** The built weft-sidecar bundle. */
  sidecarMain: string;
  /** The built original-destination module (its addon is found beside it, in dist/native/). */
  originalDestinationModule: string;
  /** The built weft-init. */
  init: string;
  remove(): void;
}

/** Copies ns-tools, the sidecar bundle, weft-init, the original-destination module and the addon to a world-readable directory. */
export function stageForOtherUids(): Staged {
  const dir = mkdtempSync(join(tmpdir(), 'weft-netns-'));
  const files = ['package.json', 'sidecar/interception/testing/ns-tools.mjs', 'dist/sidecar/main.js', 'dist/sidecar/chunks', 'dist/sidecar/interception/original-destination.js', 'dist/sidecar/interception/init', 'dist/common', 'dist/native'];
  for (const f of files) cpSync(join(repo, f), join(dir, f), { recursive: true });
  const open = (path: string): void => {
    const directory = statSync(path).isDirectory();
    chmodSync(path, directory ? 0o755 : 0o644 | (statSync(path).mode & 0o111 ? 0o111 : 0));
    if (directory) for (const entry of readdirSync(path)) open(join(path, entry));
  };
  open(dir);
  return {
    tools: join(dir, 'sidecar/interception/testing/ns-tools.mjs'),
    sidecarMain: join(dir, 'dist/sidecar/main.js'),
    originalDestinationModule: join(dir, 'dist/sidecar/interception/original-destination.js'),
    init: join(dir, 'dist/sidecar/interception/init/main.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The sidecar's UID (exempt from redirection) and an app's, as in a pod. */
export const proxyUid = 1337;
export const appUid = 1000;

/** Why the namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (ip netns add, iptables in a namespace)';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'needs the ip command (iproute2)';
  }
  return undefined;
}

export interface NsProcess {
  child: ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Everything it printed on stderr so far. */
  errors(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves with the exit code once it ends. */
  exited: Promise<number | null>;
}

export interface PodNetwork {
  pod: string;
  peer: string;
  podAddress: string;
  peerAddress: string;
  /** Runs `argv` inside namespace `ns` as `uid` (and the same GID), with `env` added. */
  start(ns: string, uid: number, argv: string[], env?: NodeJS.ProcessEnv): NsProcess;
  /** Runs a command in `ns` as root and returns its stdout; throws with its stderr when it fails. */
  run(ns: string, argv: string[], env?: NodeJS.ProcessEnv): string;
  destroy(): void;
}

let counter = 0;

/** Creates the two namespaces (unique names per call) with pod 10.77.0.1 and peer 10.77.0.2. */
export function createPodNetwork(): PodNetwork {
  const id = `${process.pid}-${counter++}`;
  const pod = `weft-pod-${id}`;
  const peer = `weft-peer-${id}`;
  const vethPod = `wp${id}`.slice(0, 15);
  const vethPeer = `wq${id}`.slice(0, 15);
  const podAddress = '10.77.0.1';
  const peerAddress = '10.77.0.2';
  const processes: ChildProcess[] = [];
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

  const network: PodNetwork = {
    pod,
    peer,
    podAddress,
    peerAddress,
    start(ns, uid, argv, env = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, 'setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--', ...argv], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      processes.push(child);
      let out = '';
      let err = '';
      const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
      const exited = once(child, 'exit').then(([code]) => code as number | null);
      createInterface({ input: child.stdout! }).on('line', (l) => {
        out += `${l}\n`;
        for (const w of waiters.splice(0)) {
          if (w.pattern.test(l)) w.resolve(l);
          else waiters.push(w);
        }
      });
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      return {
        child,
        output: () => out,
        errors: () => err,
        exited,
        line: (pattern) => {
          const seen = out.split('\n').find((l) => pattern.test(l));
          if (seen !== undefined) return Promise.resolve(seen);
          return Promise.race([
            new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
            exited.then((code) => Promise.reject(new Error(`${argv.join(' ')} exited ${code} before printing ${pattern}: ${err}`))),
          ]);
        },
      };
    },
    run(ns, argv, env = {}) {
      return execFileSync('ip', ['netns', 'exec', ns, ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    },
    destroy() {
      for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      for (const ns of [pod, peer]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // Not created (set-up failed early).
        }
      }
    },
  };
  try {
    ip('netns', 'add', pod);
    ip('netns', 'add', peer);
    ip('link', 'add', vethPod, 'netns', pod, 'type', 'veth', 'peer', 'name', vethPeer, 'netns', peer);
    for (const [ns, dev, address] of [[pod, vethPod, podAddress], [peer, vethPeer, peerAddress]] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (err) {
    network.destroy();
    throw err;
  }
  return network;
}
