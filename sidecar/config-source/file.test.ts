import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock.js';
import type { ProxyConfig } from '../../common/config/types.js';
import { ConfigError, isWeftError, type WeftError } from '../../common/errors.js';
import { silentLogger } from '../../common/log.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { FileConfigSource } from './file.js';

const yaml = (version: string, port = 9080): string => `
version: ${version}
node: { workload: productpage, namespace: shop }
services:
  - name: reviews
    namespace: shop
    ports:
      - port: ${port}
        endpoints: [{ address: 127.0.0.1, port: 19081 }]
`;

let dir: string;
let file: string;
let source: FileConfigSource | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-config-'));
  file = join(dir, 'sidecar.yaml');
});

afterEach(async () => {
  source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The source, with promises for its next config and next error, so tests wait on events. */
function open(clock: FakeClock | typeof systemClock = systemClock) {
  const s = new FileConfigSource({ path: file, clock, log: silentLogger, debounceMs: 20 });
  source = s;
  const configs: ProxyConfig[] = [];
  const errors: WeftError[] = [];
  let wakeConfig: (() => void) | undefined;
  let wakeError: (() => void) | undefined;
  s.onConfig((c) => {
    configs.push(c);
    wakeConfig?.();
  });
  s.onError((e) => {
    errors.push(e);
    wakeError?.();
  });
  const nextConfig = (): Promise<ProxyConfig> => {
    const n = configs.length;
    return new Promise((resolve) => (wakeConfig = () => configs.length > n && resolve(configs[configs.length - 1]!)));
  };
  const nextError = (): Promise<WeftError> => {
    const n = errors.length;
    return new Promise((resolve) => (wakeError = () => errors.length > n && resolve(errors[errors.length - 1]!)));
  };
  return { s, configs, errors, nextConfig, nextError };
}

describe('FileConfigSource', () => {
  it('loads a valid file and reloads when it is edited in place', async () => {
    await writeFile(file, yaml('v1'));
    const { s, configs, nextConfig } = open();
    expect((await s.start()).version).toBe('v1');
    expect(configs.map((c) => c.version)).toEqual(['v1']);
    const next = nextConfig();
    await writeFile(file, yaml('v2', 9090));
    const c = await next;
    expect(c.version).toBe('v2');
    expect(c.services[0]!.ports[0]!.port).toBe(9090);
    expect(s.current()?.version).toBe('v2');
  });

  it('reloads when an editor replaces the file by rename', async () => {
    await writeFile(file, yaml('v1'));
    const { s, nextConfig } = open();
    await s.start();
    const next = nextConfig();
    await writeFile(join(dir, '.sidecar.yaml.swp'), yaml('v2'));
    await rename(join(dir, '.sidecar.yaml.swp'), file);
    expect((await next).version).toBe('v2');
  });

  it('keeps the previous config on an invalid edit and names the field, then takes a fixed file', async () => {
    await writeFile(file, yaml('v1'));
    const { s, configs, nextError, nextConfig } = open();
    await s.start();
    const failed = nextError();
    await writeFile(file, yaml('v2', 70000));
    const err = await failed;
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('services[0].ports[0].port');
    expect(err.message).toContain('services[0].ports[0].port: must be at most 65535');
    expect(s.current()?.version).toBe('v1');
    const fixed = nextConfig();
    await writeFile(file, yaml('v3'));
    expect((await fixed).version).toBe('v3');
    expect(configs.map((c) => c.version)).toEqual(['v1', 'v3']);
  });

  it('reports a YAML syntax error with its line', async () => {
    await writeFile(file, yaml('v1'));
    const { s, nextError } = open();
    await s.start();
    const failed = nextError();
    await writeFile(file, 'version: v2\nnode: { workload: [unclosed\n');
    const err = await failed;
    expect(err.code).toBe('WEFT_CONFIG_INVALID');
    expect(err.message).toMatch(/YAML syntax error at line \d+/);
    expect(s.current()?.version).toBe('v1');
  });

  it('keeps the previous config when the file is deleted, and loads it again when it returns', async () => {
    await writeFile(file, yaml('v1'));
    const { s, nextError, nextConfig } = open();
    await s.start();
    const failed = nextError();
    await unlink(file);
    const err = await failed;
    expect(isWeftError(err, 'WEFT_CONFIG_UNREADABLE')).toBe(true);
    expect(err.message).toContain('does not exist');
    expect(s.current()?.version).toBe('v1');
    const back = nextConfig();
    await writeFile(file, yaml('v2'));
    expect((await back).version).toBe('v2');
  });

  it('refuses an invalid first file, naming the field, and does not watch', async () => {
    await writeFile(file, 'node: { workload: productpage, namespace: Shop }\n');
    const { s } = open();
    await expect(s.start()).rejects.toThrow('node.namespace: "Shop" is not a valid DNS label');
    expect(s.current()).toBeUndefined();
    await expect(new FileConfigSource({ path: join(dir, 'absent.yaml'), clock: systemClock, log: silentLogger }).start()).rejects.toThrow(/does not exist/);
  });

  it('waits for the debounce quiet time and loads what the file holds then, once', async () => {
    await writeFile(file, yaml('v1'));
    const clock = new FakeClock();
    const { s, configs, nextConfig } = open(clock);
    await s.start();
    await writeFile(file, yaml('v2'));
    await writeFile(file, yaml('v3'));
    // Wait (bounded) for the watcher to see a change: a debounce timer appears on the fake clock.
    for (let i = 0; i < 500 && clock.pending() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(clock.pending()).toBe(1);
    await clock.advance(19);
    expect(configs).toHaveLength(1);
    const next = nextConfig();
    // 20 more, not 1: a late event for the second write may have restarted the quiet time.
    await clock.advance(20);
    expect((await next).version).toBe('v3');
    // Late events for the same content reload nothing new.
    await clock.advance(100);
    await new Promise((r) => setTimeout(r, 50));
    await clock.advance(100);
    expect(configs.map((c) => c.version)).toEqual(['v1', 'v3']);
  });
});
