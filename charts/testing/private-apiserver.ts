/**
 * A throwaway etcd and kube-apiserver (the local cluster's pinned build) in a network namespace of
 * its own, for tests that need a real API server but no nodes: admission, validation, Helm
 * releases. Needs root and the binaries `make cluster-setup` builds; `available()` says why not.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clusterSettings } from '../../e2e/cluster/settings.js';

const etcdBin = '/usr/bin/etcd';

/** Undefined when a private API server can run here, else the reason it cannot. */
export function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const apiserver = join(dirname(clusterSettings().kubectl), 'kube-apiserver');
  if (!existsSync(apiserver)) return `no ${apiserver} (make cluster-setup builds it)`;
  if (!existsSync(etcdBin)) return `no ${etcdBin} (make cluster-setup installs it)`;
  return undefined;
}

export class PrivateApiServer {
  readonly netns = `weft-apitest-${process.pid}`;
  /** An address on the namespace's loopback that Endpoints may name (127.x may not). */
  readonly hostIp = '10.77.0.1';
  readonly dir = mkdtempSync(join(tmpdir(), 'weft-apiserver-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');
  private readonly children: ChildProcess[] = [];
  private readonly bin = dirname(clusterSettings().kubectl);

  /** argv run inside the namespace. */
  inNetns(argv: string[]): string[] {
    return ['ip', 'netns', 'exec', this.netns, ...argv];
  }

  async start(): Promise<void> {
    const sh = (argv: string[]): void => {
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    };
    if (existsSync(`/run/netns/${this.netns}`)) sh(['ip', 'netns', 'del', this.netns]);
    sh(['ip', 'netns', 'add', this.netns]);
    sh(['ip', '-n', this.netns, 'link', 'set', 'lo', 'up']);
    sh(['ip', '-n', this.netns, 'addr', 'add', `${this.hostIp}/32`, 'dev', 'lo']);
    sh(['openssl', 'genrsa', '-out', join(this.dir, 'sa.key'), '2048']);
    sh(['openssl', 'rsa', '-in', join(this.dir, 'sa.key'), '-pubout', '-out', join(this.dir, 'sa.pub')]);
    writeFileSync(join(this.dir, 'tokens.csv'), 'admintoken,admin,admin,system:masters\n');
    mkdirSync(join(this.dir, 'certs'));
    this.run('etcd', [etcdBin, '--data-dir', join(this.dir, 'etcd'), '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379', '--listen-peer-urls', 'http://127.0.0.1:2380']);
    this.run('kube-apiserver', [
      join(this.bin, 'kube-apiserver'),
      '--etcd-servers=http://127.0.0.1:2379',
      `--cert-dir=${join(this.dir, 'certs')}`,
      '--secure-port=6443',
      '--bind-address=127.0.0.1',
      `--advertise-address=${this.hostIp}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(this.dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(this.dir, 'sa.key')}`,
      '--authorization-mode=AlwaysAllow',
      `--token-auth-file=${join(this.dir, 'tokens.csv')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // Webhooks are called at their Service's endpoints, since no kube-proxy routes cluster IPs here.
      '--enable-aggregator-routing=true',
    ]);
    writeFileSync(
      this.kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: admintoken}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n',
    );
    for (let i = 0; i < 120; i++) {
      try {
        this.kubectl(['get', '--raw', '/readyz']);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new Error(`kube-apiserver did not become ready; see ${this.dir}`);
  }

  /** Starts a process in the namespace that lives until stop(); its output goes to DIR/<name>.log. */
  run(name: string, argv: string[]): ChildProcess {
    const full = this.inNetns(argv);
    const child = spawn(full[0]!, full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (d: Buffer): void => {
      log = (log + d.toString()).slice(-20_000);
      writeFileSync(join(this.dir, `${name}.log`), log);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.children.push(child);
    return child;
  }

  /** kubectl against it, synchronously; throws with kubectl's stderr on failure. */
  kubectl(args: string[], input?: string): string {
    return this.exec([join(this.bin, 'kubectl'), '--kubeconfig', this.kubeconfig, ...args], input);
  }

  /** Any command in the namespace, synchronously (e.g. helm with --kubeconfig); throws with its stderr on failure. */
  exec(argv: string[], input?: string): string {
    const full = this.inNetns(argv);
    const r = spawnSync(full[0]!, full.slice(1), { input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(' ')}...: ${r.stderr.trim()}`);
    return r.stdout;
  }

  async stop(): Promise<void> {
    for (const c of this.children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }
    spawnSync('ip', ['netns', 'del', this.netns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
