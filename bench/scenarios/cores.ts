/** Scenario 5: the minimal forwarding cores (bench/cores/): the HTTP/1.1 ones weft considered, and Node's HTTP/2 floor. */
import { join } from 'node:path';
import { logPath, type BenchContext } from '../lib/context.js';
import { start, waitForLine, type Started } from '../lib/processes.js';
import type { Scenario } from '../lib/scenario.js';
import { nodeArgs, portAnnouncement } from './node-process.js';

const CORES = [
  ['http-proxy', 'node:http server + http-proxy 1.18.1 (keep-alive Agent)'],
  ['node-http', 'node:http server + node:http client (keep-alive Agent)'],
  ['undici', 'node:http server + undici Pool'],
  ['heads', 'node:net, HTTP/1.1 heads parsed in JavaScript, bodies relayed as bytes (Content-Length only)'],
  ['tcp', 'node:net byte relay, no HTTP parsing: the floor of any Node proxy'],
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

async function startHttp2Core(ctx: BenchContext, name: string, upstreamPort: number): Promise<{ proxy: Started; port: number }> {
  const args = [...nodeArgs(ctx, name), join('dist', 'bench', 'cores', 'main.js'), '--core', 'http2', '--upstream', `127.0.0.1:${upstreamPort}`];
  const proxy = start(name, process.execPath, args, { cpu: ctx.proxyCpu, logFile: logPath(ctx, name) });
  return { proxy, port: await waitForLine(proxy, portAnnouncement) };
}

/**
 * Node's own HTTP/2 floor under the gRPC load (bench/cores/http2.ts): one hop, and a pair of them
 * shaped like weft-pair. gRPC only, so they have no HTTP/1.1 rows.
 */
export const http2Cores: Scenario[] = [
  {
    name: 'core-http2',
    group: 'core',
    description: 'node:http2 server + node:http2 client session (gRPC only)',
    async start(ctx) {
      const hop = await startHttp2Core(ctx, 'core-http2', ctx.upstream.grpcPort);
      return { grpc: { address: `127.0.0.1:${hop.port}` }, proxies: [hop.proxy] };
    },
  },
  {
    name: 'core-http2-pair',
    group: 'core',
    description: 'two node:http2 forwarding cores in a row, like a sidecar pair (gRPC only)',
    async start(ctx) {
      const server = await startHttp2Core(ctx, 'core-http2-server', ctx.upstream.grpcPort);
      const client = await startHttp2Core(ctx, 'core-http2-client', server.port);
      return { grpc: { address: `127.0.0.1:${client.port}` }, proxies: [client.proxy, server.proxy] };
    },
  },
];
