/**
 * The upstream every scenario ends at: nginx serving a static 1 KiB file (HTTP/1.1), and fortio's
 * gRPC ping server (HTTP/2). Both in C/Go, pinned to the load CPU, so they are not the bottleneck.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxUpstreamConfig } from '../configs/nginx.js';
import { logPath, type BenchContext, type Upstream } from '../lib/context.js';
import { FORTIO_BIN } from '../lib/fortio.js';
import { freePort, waitForPort } from '../lib/ports.js';
import { start, type Started } from '../lib/processes.js';

export const RESPONSE_BYTES = 1024;

export async function startUpstream(ctx: Omit<BenchContext, 'upstream'>): Promise<{ upstream: Upstream; processes: Started[] }> {
  const dir = join(ctx.dir, 'upstream');
  const root = join(dir, 'www');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), 'w'.repeat(RESPONSE_BYTES - 1) + '\n');
  const httpPort = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxUpstreamConfig({ dir, asRoot: ctx.asRoot, port: httpPort, root }));
  const nginx = start('upstream-nginx', 'nginx', ['-c', conf, '-p', dir], { cpu: ctx.loadCpu, logFile: logPath(ctx as BenchContext, 'upstream-nginx') });

  const grpcPort = await freePort();
  const fortioHttp = await freePort();
  const grpc = start(
    'upstream-grpc',
    FORTIO_BIN,
    ['server', '-http-port', `127.0.0.1:${fortioHttp}`, '-grpc-port', `127.0.0.1:${grpcPort}`, '-redirect-port', 'disabled', '-tcp-port', 'disabled', '-udp-port', 'disabled', '-ui-path', '', '-loglevel', 'warning'],
    { cpu: ctx.loadCpu, logFile: logPath(ctx as BenchContext, 'upstream-grpc') },
  );
  await Promise.all([waitForPort(httpPort), waitForPort(grpcPort)]);
  return { upstream: { httpPort, grpcPort }, processes: [nginx, grpc] };
}
