/**
 * Run one forwarding core: `node dist/bench/cores/main.js --core undici --upstream host:port [--port N]`
 * (`--core http2`: the HTTP/2 core, h2c in and out). Prints `{"port":N}` once listening; exits cleanly on SIGTERM/SIGINT (so --cpu-prof is written).
 */
import { parseArgs } from 'node:util';
import { serveHttp2Core } from './http2.js';
import { CORES } from './index.js';
import { serveCore } from './serve.js';

const { values } = parseArgs({
  options: { core: { type: 'string' }, upstream: { type: 'string' }, port: { type: 'string', default: '0' } },
});
const load = CORES[values.core ?? ''];
const match = /^([^:]+):(\d+)$/.exec(values.upstream ?? '');
if ((!load && values.core !== 'http2') || !match) {
  console.error(`usage: --core ${[...Object.keys(CORES), 'http2'].join('|')} --upstream host:port [--port N]`);
  process.exit(2);
}
const upstream = { host: match[1] ?? '', port: Number(match[2]) };
const served = load ? await serveCore(await load(), upstream, Number(values.port)) : await serveHttp2Core(upstream, Number(values.port));
console.log(JSON.stringify({ port: served.port }));
const stop = (): void => void served.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
