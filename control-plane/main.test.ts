import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtEntry } from '../common/testing/built-entry.js';
import { makeServingCert } from '../common/testing/serving-cert.js';
import { FakeApiServer } from './testing/fake-apiserver.js';

const main = builtEntry('control-plane/main.js');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


/** A fake API server and a kubeconfig pointing at it, in a fresh directory. */
async function fakeCluster(): Promise<{ api: FakeApiServer; dir: string; kubeconfig: string }> {
  const api = new FakeApiServer();
  await api.start();
  cleanups.push(() => api.stop());
  const dir = mkdtempSync(join(tmpdir(), 'weft-cp-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "http://127.0.0.1:${api.port}", insecure-skip-tls-verify: true}}]\nusers: [{name: fake, user: {}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\ncurrent-context: fake\n`);
  return { api, dir, kubeconfig };
}

/** The built control plane as a child process; its stdout and stderr together in out(). */
function startControlPlane(args: string[]): { child: ReturnType<typeof spawn>; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [main.pathname, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  return { child, out: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

describe('weft-control-plane (the built entry point, as a process)', () => {
  it('runs out-of-cluster from a kubeconfig, becomes ready, and exits cleanly on SIGTERM', async () => {
    const { api, kubeconfig } = await fakeCluster();
    const { child, out: output, exited } = startControlPlane(['--kubeconfig', kubeconfig, '--grpc-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0', '--namespace', 'weft-system', '--id', 'cp-test']);
    await vi.waitFor(() => expect(output()).toContain('serving config'), { timeout: 15_000, interval: 100 });
    const admin = JSON.parse(output().split('\n').find((l) => l.includes('control plane listening'))!).admin as number;
    expect((await fetch(`http://127.0.0.1:${admin}/readyz`)).status).toBe(200);
    await vi.waitFor(() => expect(api.get('/apis/coordination.k8s.io/v1/leases', 'weft-system/weft-control-plane')).toBeDefined(), { timeout: 10_000 });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output()).toContain('shutting down');
    // It gave the lease up on the way out.
    expect((api.get('/apis/coordination.k8s.io/v1/leases', 'weft-system/weft-control-plane')?.spec as { holderIdentity?: string }).holderIdentity).toBeUndefined();
  });

  it('serves the injection webhook with --webhook-cert-dir and --injector-settings, and refuses bad settings at start', async () => {
    const { dir, kubeconfig } = await fakeCluster();
    const cert = makeServingCert(['localhost']);
    writeFileSync(join(dir, 'tls.crt'), cert.certPem);
    writeFileSync(join(dir, 'tls.key'), cert.keyPem);
    const settings = join(dir, 'settings.json');
    const start = () => startControlPlane(['--kubeconfig', kubeconfig, '--grpc-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0', '--webhook-address', '127.0.0.1:0', '--webhook-cert-dir', dir, '--injector-settings', settings, '--no-leader-election']);

    writeFileSync(settings, JSON.stringify({ imagePullPolicy: 'Sometimes' }));
    const bad = start();
    expect(await bad.exited).toBe(2);
    expect(bad.out()).toContain(`invalid injector settings in ${settings}: imagePullPolicy: "Sometimes" is not one of Always, IfNotPresent, Never`);

    writeFileSync(settings, JSON.stringify({ image: 'registry.example/weft/sidecar:7' }));
    const good = start();
    await vi.waitFor(() => expect(good.out()).toContain('control plane listening'), { timeout: 15_000, interval: 100 });
    const port = JSON.parse(good.out().split('\n').find((l) => l.includes('control plane listening'))!).webhook as number;
    const review = { request: { uid: 'u1', kind: { kind: 'Pod' }, operation: 'CREATE', namespace: 'shop', object: { metadata: { name: 'p', labels: { 'weft.dev/inject': 'enabled' } }, spec: { containers: [{ name: 'a' }] } } } };
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/inject', method: 'POST', ca: cert.caPem, servername: 'localhost' }, (res) => {
        let t = '';
        res.on('data', (c: Buffer) => (t += c));
        res.on('end', () => resolve(t));
      });
      req.on('error', reject);
      req.end(JSON.stringify(review));
    });
    const patch = Buffer.from(JSON.parse(body).response.patch, 'base64').toString('utf8');
    expect(patch).toContain('registry.example/weft/sidecar:7');
    good.child.kill('SIGTERM');
    expect(await good.exited).toBe(0);
  });

  it('refuses an outbound traffic policy it does not know, before contacting anything', async () => {
    const child = spawn(process.execPath, [main.pathname, '--outbound-traffic-policy', 'ALLOW_ANY'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('invalid outbound traffic policy "ALLOW_ANY"');
  });
});
