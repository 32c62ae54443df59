/**
 * Run one forwarding core: `node dist/bench/cores/main.js --core undici --upstream host:port [--port N]`
 * (`--core http2`: the HTTP/2 core, h2c in and out; `--core tcp`: the byte relay; `--core heads`: the head-only core). Prints `{"port":N}` once listening; exits cleanly on SIGTERM/SIGINT (so --cpu-prof is written).
 */
import { parseArgs } from 'node:util';
import type { Served, Upstream } from './core.js';
import { serveHeadsCore } from './heads.js';
import { serveHttp2Core } from './http2.js';
import { CORES } from './index.js';
import { serveCore } from './serve.js';
import { serveTcpCore } from './tcp.js';

type Serve = (upstream: Upstream, port: number) => Promise<Served>;
const SERVERS: Record<string, Serve> = {
  ...Object.fromEntries(Object.entries(CORES).map(([name, load]): [string, Serve] => [name, async (u, port) => serveCore(await load(), u, port)])),
  http2: serveHttp2Core,
  tcp: serveTcpCore,
  heads: serveHeadsCore,
};

const { values } = parseArgs({
  options: { core: { type: 'string' }, upstream: { type: 'string' }, port: { type: 'string', default: '0' } },
});
const serve = SERVERS[values.core ?? ''];
const match = /^([^:]+):(\d+)$/.exec(values.upstream ?? '');
if (!serve || !match) {
  console.error(`usage: --core ${Object.keys(SERVERS).join('|')} --upstream host:port [--port N]`);
  process.exit(2);
}
const served = await serve({ host: match[1] ?? '', port: Number(match[2]) }, Number(values.port));
console.log(JSON.stringify({ port: served.port }));
const stop = (): void => void served.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
