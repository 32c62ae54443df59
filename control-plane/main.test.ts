import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtEntry } from '../common/testing/built-entry.js';
import { FakeApiServer } from './testing/fake-apiserver.js';

const main = builtEntry('control-plane/main.js');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('weft-control-plane (the built entry point, as a process)', () => {
  it('runs out-of-cluster from a kubeconfig, becomes ready, and exits cleanly on SIGTERM', async () => {
    const api = new FakeApiServer();
    await api.start();
    cleanups.push(() => api.stop());
    const dir = mkdtempSync(join(tmpdir(), 'weft-cp-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "http://127.0.0.1:${api.port}", insecure-skip-tls-verify: true}}]\nusers: [{name: fake, user: {}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\ncurrent-context: fake\n`);
    const child = spawn(process.execPath, [main.pathname, '--kubeconfig', kubeconfig, '--grpc-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0', '--namespace', 'weft-system', '--id', 'cp-test'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    await vi.waitFor(() => expect(out).toContain('serving config'), { timeout: 15_000, interval: 100 });
    const admin = JSON.parse(out.split('\n').find((l) => l.includes('control plane listening'))!).admin as number;
    expect((await fetch(`http://127.0.0.1:${admin}/readyz`)).status).toBe(200);
    await vi.waitFor(() => expect(api.get('/apis/coordination.k8s.io/v1/leases', 'weft-system/weft-control-plane')).toBeDefined(), { timeout: 10_000 });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('shutting down');
    // It gave the lease up on the way out.
    expect((api.get('/apis/coordination.k8s.io/v1/leases', 'weft-system/weft-control-plane')?.spec as { holderIdentity?: string }).holderIdentity).toBeUndefined();
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
