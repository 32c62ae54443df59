/**
 * What a sidecar loads before it knows its mode (docs/decisions/0260, 0280): one bundled file, no
 * package from node_modules; the control-plane client with gRPC and protobufjs, and the file source
 * with yaml, only in chunks that main.ts imports lazily; of undici, the Pool and not its index; and
 * the V8 young-generation cap of its #! line. Checked on the built artefact (its esbuild metafile)
 * and in fresh processes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtEntry } from '../common/testing/built-entry.js';

const main = builtEntry('sidecar/main.js');
const pool = new URL('../dist/sidecar/upstream/http1-pool.js', import.meta.url);
const run = promisify(execFile);

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}

/** The sources in each output file the entry point loads before it runs: itself and its static imports, transitively. */
function loadedUpFront(meta: Metafile): { eager: string[]; lazy: string[] } {
  const entry = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === 'sidecar/main.ts')!;
  const eager = new Set<string>();
  const visit = (out: string): void => {
    if (eager.has(out)) return;
    eager.add(out);
    for (const i of meta.outputs[out]!.imports) if (!i.external && i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  const inputsOf = (outs: string[]): string[] => outs.flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
  const rest = Object.keys(meta.outputs).filter((o) => !eager.has(o) && o.endsWith('.js'));
  return { eager: inputsOf([...eager]), lazy: inputsOf(rest) };
}

const grpcOrYaml = /node_modules\/(@grpc\/|protobufjs\/|yaml\/)/;

/** Preloaded into the entry point: on exit, report which CommonJS files were loaded from node_modules. */
const reportLoaded = [
  "import { createRequire } from 'node:module';",
  "process.on('exit', () => {",
  "  const loaded = Object.keys(createRequire(process.cwd() + '/').cache).map((k) => k.replaceAll('\\\\', '/'));",
  "  process.stderr.write(JSON.stringify(loaded.filter((k) => k.includes('/node_modules/'))));",
  '});',
].join('\n');

/** A request through the sidecar's HTTP/1.1 pool to a server on an ephemeral loopback port. */
const forwardOnce = [
  "import { createServer } from 'node:http';",
  `const { Http1Pool } = await import(${JSON.stringify(pool.href)});`,
  "const server = createServer((req, res) => res.end('pong ' + req.url));",
  "await new Promise((r) => server.listen(0, '127.0.0.1', r));",
  'const pools = new Http1Pool();',
  "const res = await pools.poolFor('127.0.0.1', server.address().port, 1000).request({ method: 'GET', path: '/ping' });",
  'const text = await res.body.text();',
  'pools.close();',
  'server.close();',
  'console.log(JSON.stringify({ status: res.statusCode, text }));',
].join('\n');

describe('sidecar footprint', () => {
  it('the bundle loads gRPC, protobufjs and yaml only lazily, and undici without its index', () => {
    const meta = JSON.parse(readFileSync(new URL('main.meta.json', main), 'utf8')) as Metafile;
    const { eager, lazy } = loadedUpFront(meta);
    expect(eager.filter((i) => grpcOrYaml.test(i) || i.endsWith('node_modules/undici/index.js'))).toEqual([]);
    expect(eager).toContain('node_modules/undici/lib/dispatcher/pool.js');
    // They are in the bundle, in the chunks cluster mode and static mode import when they start.
    expect(lazy.some((i) => i.startsWith('node_modules/@grpc/grpc-js/'))).toBe(true);
    expect(lazy.some((i) => i.startsWith('node_modules/yaml/'))).toBe(true);
  });

  it('the entry point is self-contained: it loads nothing from node_modules', async () => {
    const preload = `data:text/javascript,${encodeURIComponent(reportLoaded)}`;
    const { stdout, stderr } = await run(process.execPath, ['--import', preload, main.pathname, '--help'], { timeout: 60_000 });
    expect(stdout).toContain('usage: weft-sidecar');
    expect(JSON.parse(stderr.trim())).toEqual([]);
  });

  it('run as the image runs it, the file itself, V8 gets the young-generation cap of its #! line', async () => {
    const report = "process.on('exit', () => process.stderr.write(JSON.stringify(process.execArgv)))";
    const env = { ...process.env, NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(report)}` };
    const { stderr } = await run(main.pathname, ['--help'], { env, timeout: 60_000 });
    expect((JSON.parse(stderr.trim()) as string[]).filter((a) => a.startsWith('--max-semi-space-size='))).toHaveLength(1);
  });

  it('forwards through the lean undici Pool in a fresh process, where nothing else loaded undici', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', forwardOnce], { timeout: 60_000 });
    expect(JSON.parse(stdout.trim())).toEqual({ status: 200, text: 'pong /ping' });
  });
});
