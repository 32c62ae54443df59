/**
 * Scenario 4: the sidecar pair built from nginx and from HAProxy (client hop -> server hop ->
 * upstream), for HTTP/1.1 and gRPC. The server hop alone is the single-proxy throughput peer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyConfig } from '../configs/haproxy.js';
import { nginxProxyConfig, type ProxyHop } from '../configs/nginx.js';
import { logPath, type BenchContext } from '../lib/context.js';
import { freePort, waitForPort } from '../lib/ports.js';
import { start, type Started } from '../lib/processes.js';
import type { RunningScenario, Scenario } from '../lib/scenario.js';
import { commandExists } from './tools.js';

type Peer = 'nginx' | 'haproxy';

function startHop(ctx: BenchContext, peer: Peer, name: string, hop: ProxyHop): Started {
  const dir = join(ctx.dir, name);
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, `${peer}.conf`);
  if (peer === 'nginx') {
    writeFileSync(conf, nginxProxyConfig({ ...hop, dir, asRoot: ctx.asRoot }));
    return start(name, 'nginx', ['-c', conf, '-p', dir], { cpu: ctx.proxyCpu, logFile: logPath(ctx, name) });
  }
  writeFileSync(conf, haproxyConfig(hop));
  return start(name, 'haproxy', ['-db', '-f', conf], { cpu: ctx.proxyCpu, logFile: logPath(ctx, name) });
}

async function startPair(ctx: BenchContext, peer: Peer): Promise<RunningScenario> {
  const [serverHttp, serverGrpc, clientHttp, clientGrpc] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const server = startHop(ctx, peer, `${peer}-server`, {
    listenPort: serverHttp,
    upstreamPort: ctx.upstream.httpPort,
    grpc: { listenPort: serverGrpc, upstreamPort: ctx.upstream.grpcPort },
  });
  const client = startHop(ctx, peer, `${peer}-client`, {
    listenPort: clientHttp,
    upstreamPort: serverHttp,
    grpc: { listenPort: clientGrpc, upstreamPort: serverGrpc },
  });
  await Promise.all([serverHttp, serverGrpc, clientHttp, clientGrpc].map((p) => waitForPort(p)));
  return {
    http: { url: `http://127.0.0.1:${clientHttp}/` },
    grpc: { address: `127.0.0.1:${clientGrpc}` },
    proxies: [client, server],
    throughput: { http: { url: `http://127.0.0.1:${serverHttp}/` }, proxy: server, label: 'one hop (server side)' },
  };
}

export const peers: Scenario[] = (['nginx', 'haproxy'] as const).map((peer) => ({
  name: `${peer}-pair`,
  group: 'peer',
  description: `${peer} client hop -> ${peer} server hop -> upstream (one worker/thread each)`,
  unavailable: () => (commandExists(peer) ? undefined : `${peer} is not installed`),
  start: (ctx: BenchContext) => startPair(ctx, peer),
}));
