/**
 * The sidecar image carries no node_modules (docs/decisions/0704): the bundle, its lazy chunks, the
 * config API's proto and package.json are all it runs. Copied alone into a directory with no
 * node_modules above it, the bundle takes a config pushed over gRPC (cluster mode: grpc-js and
 * protobufjs from its chunk, the proto read at run time) and serves a static YAML file (the yaml chunk).
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseProxyConfig, toDocument } from '../common/config/index.js';
import { builtEntry } from '../common/testing/built-entry.js';
import { FakeControlPlane } from './testing/fake-control-plane.js';

const main = builtEntry('sidecar/main.js');
const root = fileURLToPath(new URL('../', import.meta.url));

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh directory holding only the bundle, its chunks, the proto and package.json, laid out as in the image. */
async function bundleAlone(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-bundle-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(fileURLToPath(main), join(dir, 'dist/sidecar/main.js'));
  await cp(fileURLToPath(new URL('chunks', main)), join(dir, 'dist/sidecar/chunks'), { recursive: true });
  await cp(join(root, 'proto'), join(dir, 'proto'), { recursive: true });
  await cp(join(root, 'package.json'), join(dir, 'package.json'));
  return dir;
}

/** Runs the copied bundle as the image does (the file itself) and collects its output. */
function start(dir: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(join(dir, 'dist/sidecar/main.js'), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, ...env } });
  const output = { text: '' };
  child.stdout.on('data', (d: Buffer) => (output.text += d));
  child.stderr.on('data', (d: Buffer) => (output.text += d));
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  return output;
}

/** The admin port from the log line that contains `marker`. */
const adminPort = (text: string, marker: string): number => (JSON.parse(text.split('\n').find((l) => l.includes(marker))!) as { admin: number }).admin;

describe('the sidecar bundle with nothing from node_modules', () => {
  it('Dockerfile.sidecar installs no npm packages into the image it ships', async () => {
    const text = await readFile(join(root, 'Dockerfile.sidecar'), 'utf8');
    // The last stage is the image; a build stage before it (the native addon's) ships only what it copies over.
    const dockerfile = text.slice(text.lastIndexOf('\nFROM '));
    expect(dockerfile).toMatch(/^FROM \$\{BASE\}$/m);
    expect(dockerfile).not.toMatch(/^\s*RUN\b.*\bnpm\b/m);
    expect(dockerfile).not.toMatch(/^\s*COPY\b.*(node_modules|package-lock\.json)/m);
  });

  it('in cluster mode, loads gRPC and the proto and ACKs a pushed config', async () => {
    const dir = await bundleAlone();
    const plane = new FakeControlPlane();
    await plane.start();
    cleanups.push(() => plane.stop());
    const out = start(dir, ['--control-plane', `127.0.0.1:${plane.port}`], { WEFT_OUTBOUND: '127.0.0.1:0', WEFT_INBOUND: '127.0.0.1:0', WEFT_ADMIN: '127.0.0.1:0' });

    await vi.waitFor(() => expect(plane.received[0]?.hello).toBeDefined(), { timeout: 15_000, interval: 20 });
    const config = parseProxyConfig({ version: 'b-1', node: { workload: 'web', namespace: 'shop' }, services: [{ name: 'reviews', namespace: 'shop', ports: [{ port: 9080, endpoints: [] }] }] });
    plane.send(toDocument(config), 'b-1', 'n1');
    await vi.waitFor(() => expect(plane.replies()[0]?.ack).toMatchObject({ nonce: 'n1' }), { timeout: 10_000, interval: 20 });
    const admin = adminPort(out.text, 'ready after the first config');
    expect((await fetch(`http://127.0.0.1:${admin}/ready`)).status).toBe(200);
    expect(out.text).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
  });

  it('in static mode, loads yaml and serves its config file', async () => {
    const dir = await bundleAlone();
    const file = join(dir, 'sidecar.yaml');
    const listen = '{ address: 127.0.0.1, port: 0 }';
    await writeFile(file, `version: s-1\nnode: { workload: web, namespace: shop }\nlisteners: { outbound: ${listen}, inbound: ${listen}, admin: ${listen} }\n`);
    const out = start(dir, ['--config', file]);

    await vi.waitFor(() => expect(out.text).toContain('weft-sidecar ready'), { timeout: 15_000, interval: 50 });
    const admin = adminPort(out.text, 'weft-sidecar ready');
    const shown = (await (await fetch(`http://127.0.0.1:${admin}/config`)).json()) as { version: string };
    expect(shown.version).toBe('s-1');
  });
});
