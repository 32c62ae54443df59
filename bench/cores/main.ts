/**
 * Run one forwarding core: `node dist/bench/cores/main.js --core undici --upstream host:port [--port N]`.
 * Prints `{"port":N}` once listening; exits cleanly on SIGTERM/SIGINT (so --cpu-prof is written).
 */
import { parseArgs } from 'node:util';
import { CORES } from './index.js';
import { serveCore } from './serve.js';

const { values } = parseArgs({
  options: { core: { type: 'string' }, upstream: { type: 'string' }, port: { type: 'string', default: '0' } },
});
const load = CORES[values.core ?? ''];
const match = /^([^:]+):(\d+)$/.exec(values.upstream ?? '');
if (!load || !match) {
  console.error(`usage: --core ${Object.keys(CORES).join('|')} --upstream host:port [--port N]`);
  process.exit(2);
}
const served = await serveCore(await load(), { host: match[1] ?? '', port: Number(match[2]) }, Number(values.port));
console.log(JSON.stringify({ port: served.port }));
const stop = (): void => void served.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
