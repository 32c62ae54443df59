/** Scenario 5: the minimal HTTP/1.1 forwarding cores weft considered (bench/cores/), one hop each. */
import { join } from 'node:path';
import { logPath } from '../lib/context.js';
import { start, waitForLine } from '../lib/processes.js';
import type { Scenario } from '../lib/scenario.js';
import { nodeArgs, portAnnouncement } from './node-process.js';

const CORES = [
  ['http-proxy', 'node:http server + http-proxy 1.18.1 (keep-alive Agent)'],
  ['node-http', 'node:http server + node:http client (keep-alive Agent)'],
  ['undici', 'node:http server + undici Pool'],
] as const;

export const cores: Scenario[] = CORES.map(([core, description]) => ({
  name: `core-${core}`,
  group: 'core',
  description,
  async start(ctx) {
    const args = [...nodeArgs(ctx, `core-${core}`), join('dist', 'bench', 'cores', 'main.js'), '--core', core, '--upstream', `127.0.0.1:${ctx.upstream.httpPort}`];
    const proxy = start(`core-${core}`, process.execPath, args, { cpu: ctx.proxyCpu, logFile: logPath(ctx, `core-${core}`) });
    const port = await waitForLine(proxy, portAnnouncement);
    const http = { url: `http://127.0.0.1:${port}/` };
    return { http, proxies: [proxy], throughput: { http, proxy, label: 'one hop' } };
  },
}));
