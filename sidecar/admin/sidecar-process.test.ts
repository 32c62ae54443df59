import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseProxyConfig, toDocument } from '../../common/config/index.js';
import { builtEntry } from '../../common/testing/built-entry.js';
import { FakeControlPlane } from '../testing/fake-control-plane.js';

const main = builtEntry('sidecar/main.js');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const yaml = (version: string, outboundPort: number | string = 0): string => `
version: ${version}
node: { workload: productpage, namespace: shop }
listeners:
  outbound: { address: 127.0.0.1, port: ${outboundPort} }
  inbound: { address: 127.0.0.1, port: 0 }
  admin: { address: 127.0.0.1, port: 0 }
`;

describe('weft-sidecar (the built entry point, as a process) seen through its admin server', () => {
  it('is ready with its file config, shows reloads and rejections, and exits on POST /shutdown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-sidecar-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'sidecar.yaml');
    await writeFile(file, yaml('p-1'));
    const child = spawn(process.execPath, [main.pathname, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));

    await vi.waitFor(() => expect(out).toContain('weft-sidecar ready'), { timeout: 15_000, interval: 50 });
    const admin = (JSON.parse(out.split('\n').find((l) => l.includes('weft-sidecar ready'))!) as { admin: number }).admin;
    const get = (path: string, method = 'GET'): Promise<Response> => fetch(`http://127.0.0.1:${admin}${path}`, { method });
    const version = async (): Promise<string> => ((await (await get('/config')).json()) as { version: string }).version;

    expect((await get('/live')).status).toBe(200);
    expect((await get('/ready')).status).toBe(200);
    expect(await version()).toBe('p-1');

    await writeFile(file, yaml('p-2'));
    await vi.waitFor(async () => expect(await version()).toBe('p-2'), { timeout: 10_000, interval: 50 });

    await writeFile(file, yaml('p-3', 99999));
    await vi.waitFor(() => expect(out).toContain('listeners.outbound.port: must be at most 65535'), { timeout: 10_000, interval: 50 });
    expect(await version()).toBe('p-2');
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('weft_config_info{version="p-2"} 1');
    expect(metrics).toContain('weft_config_reloads_total{source="file",result="applied"} 2');
    expect(metrics).toContain('weft_config_reloads_total{source="file",result="rejected"} 1');
    expect(metrics).toContain('weft_process_resident_memory_bytes');

    expect((await get('/shutdown')).status).toBe(405);
    expect((await get('/shutdown', 'POST')).status).toBe(202);
    expect(await exited).toBe(0);
    expect(out).toContain('"reason":"admin /shutdown"');
  });

  it('counts a config the control plane pushes and it refuses (NACK) as rejected, keeping the previous one', async () => {
    const cp = new FakeControlPlane();
    await cp.start();
    cleanups.push(() => cp.stop());
    const env = { ...process.env, WEFT_OUTBOUND: '127.0.0.1:0', WEFT_INBOUND: '127.0.0.1:0', WEFT_ADMIN: '127.0.0.1:0', POD_NAME: 'web-1', POD_NAMESPACE: 'shop' };
    const child = spawn(process.execPath, [main.pathname, '--control-plane', `127.0.0.1:${cp.port}`], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));

    await vi.waitFor(() => expect(out).toContain('ready after the first config'), { timeout: 15_000, interval: 50 });
    const admin = (JSON.parse(out.split('\n').find((l) => l.includes('ready after the first config'))!) as { admin: number }).admin;
    const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
    const service = (port: number) => ({ name: 'reviews', namespace: 'shop', ports: [{ port, endpoints: [] }] });
    await vi.waitFor(() => expect(cp.received[0]?.hello).toBeDefined(), { timeout: 10_000, interval: 20 });

    cp.send(toDocument(parseProxyConfig({ version: 'c-1', node: { workload: 'web', namespace: 'shop' }, services: [service(9080)] })), 'c-1', 'n1');
    await vi.waitFor(() => expect(cp.replies()[0]?.ack).toBeDefined(), { timeout: 10_000, interval: 20 });
    // The same document with a port no config may have: the sidecar's validator refuses it.
    const refused = { ...toDocument(parseProxyConfig({ version: 'c-2', node: { workload: 'web', namespace: 'shop' }, services: [service(9080)] })), services: [service(99999)] };
    cp.send(refused, 'c-2', 'n2');
    await vi.waitFor(() => expect(cp.replies()[1]?.nack?.error).toContain('must be at most 65535'), { timeout: 10_000, interval: 20 });

    const text = await metrics();
    expect(text).toContain('weft_config_info{version="c-1"} 1');
    expect(text).toContain('weft_config_reloads_total{source="control-plane",result="applied"} 1');
    expect(text).toContain('weft_config_reloads_total{source="control-plane",result="rejected"} 1');
  });
});
