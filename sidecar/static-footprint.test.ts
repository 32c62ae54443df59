/**
 * What a static-mode sidecar loads: not the control-plane client (@grpc/grpc-js) and not undici's
 * full index, only its Pool (docs/decisions/0260). Checked in fresh processes, where nothing else
 * has loaded undici, so the Pool's request API must come from sidecar/upstream/undici-pool.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { builtEntry } from '../common/testing/built-entry.js';

const main = builtEntry('sidecar/main.js');
const pool = new URL('../dist/sidecar/upstream/http1-pool.js', import.meta.url);
const run = promisify(execFile);

/** Preloaded into the entry point: on exit, report which CommonJS packages were loaded. */
const reportLoaded = [
  "import { createRequire } from 'node:module';",
  "process.on('exit', () => {",
  "  const loaded = Object.keys(createRequire(process.cwd() + '/').cache).map((k) => k.replaceAll('\\\\', '/'));",
  "  const grpc = loaded.some((k) => k.includes('/@grpc/'));",
  "  const undiciIndex = loaded.some((k) => k.endsWith('/undici/index.js'));",
  '  process.stderr.write(JSON.stringify({ grpc, undiciIndex }));',
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

describe('static-mode footprint', () => {
  it('the entry point loads neither gRPC nor all of undici before it runs', async () => {
    const preload = `data:text/javascript,${encodeURIComponent(reportLoaded)}`;
    const { stderr } = await run(process.execPath, ['--import', preload, main.pathname, '--help'], { timeout: 60_000 });
    expect(JSON.parse(stderr.trim())).toEqual({ grpc: false, undiciIndex: false });
  });

  it('forwards through the lean undici Pool in a fresh process, where nothing else loaded undici', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', forwardOnce], { timeout: 60_000 });
    expect(JSON.parse(stdout.trim())).toEqual({ status: 200, text: 'pong /ping' });
  });
});
