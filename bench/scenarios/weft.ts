/**
 * Scenarios 2 and 3: one weft sidecar (outbound -> upstream) and a sidecar pair (client outbound
 * -> server inbound -> upstream), each started in static mode from a generated config file, with
 * the node flags of the artefact's #! line, as the container image starts it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { weftConfigYaml, BENCH_SERVICE } from '../configs/weft.js';
import { logPath, type BenchContext } from '../lib/context.js';
import { freePort, waitForPort } from '../lib/ports.js';
import { start, type Started } from '../lib/processes.js';
import type { Scenario } from '../lib/scenario.js';
import { entryNodeFlags } from '../../common/entry-flags.js';
import { nodeArgs } from './node-process.js';

export const SIDECAR_MAIN = join('dist', 'sidecar', 'main.js');

interface Ports {
  outbound: number;
  inbound: number;
  admin: number;
}

async function sidecarPorts(): Promise<Ports> {
  const [outbound, inbound, admin] = await Promise.all([freePort(), freePort(), freePort()]);
  return { outbound, inbound, admin };
}

async function startSidecar(ctx: BenchContext, name: string, yaml: string, ports: Ports): Promise<Started> {
  const dir = join(ctx.dir, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'sidecar.yaml');
  writeFileSync(file, yaml);
  const env = { ...process.env, WEFT_LOG_LEVEL: 'warn' };
  const p = start(name, process.execPath, [...entryNodeFlags(SIDECAR_MAIN), ...nodeArgs(ctx, name), SIDECAR_MAIN, '--config', file], { cpu: ctx.proxyCpu, logFile: logPath(ctx, name), env });
  await Promise.all([waitForPort(ports.outbound), waitForPort(ports.inbound)]);
  return p;
}

const authority = (port: number): Record<string, string> => ({ Host: `${BENCH_SERVICE.name}.${BENCH_SERVICE.namespace}:${port}` });
const hostHeader = authority(BENCH_SERVICE.port);
const unavailable = (): string | undefined => (existsSync(SIDECAR_MAIN) ? undefined : `${SIDECAR_MAIN} is not built (the sidecar's static mode is needed)`);

export const weft: Scenario[] = [
  {
    name: 'weft-sidecar',
    group: 'weft',
    description: 'load generator -> weft sidecar outbound -> upstream',
    unavailable,
    async start(ctx) {
      const ports = await sidecarPorts();
      const yaml = weftConfigYaml({ ports, name: 'bench-client', endpoint: { port: ctx.upstream.httpPort }, grpcEndpoint: { port: ctx.upstream.grpcPort } });
      const proxy = await startSidecar(ctx, 'weft-sidecar', yaml, ports);
      const http = { url: `http://127.0.0.1:${ports.outbound}/`, headers: hostHeader };
      return { http, proxies: [proxy], throughput: { http, proxy, label: 'one sidecar, outbound' } };
    },
  },
  {
    name: 'weft-pair',
    group: 'weft',
    description: 'load generator -> weft client sidecar outbound -> weft server sidecar inbound -> upstream',
    unavailable,
    async start(ctx) {
      const [serverPorts, clientPorts] = await Promise.all([sidecarPorts(), sidecarPorts()]);
      const server = await startSidecar(
        ctx,
        'weft-server',
        weftConfigYaml({ ports: serverPorts, name: 'bench-server', app: { httpPort: ctx.upstream.httpPort, grpcPort: ctx.upstream.grpcPort } }),
        serverPorts,
      );
      const client = await startSidecar(
        ctx,
        'weft-client',
        weftConfigYaml({ ports: clientPorts, name: 'bench-client', endpoint: { port: serverPorts.inbound }, grpcEndpoint: { port: serverPorts.inbound } }),
        clientPorts,
      );
      return {
        http: { url: `http://127.0.0.1:${clientPorts.outbound}/`, headers: hostHeader },
        grpc: { address: `127.0.0.1:${clientPorts.outbound}`, headers: authority(BENCH_SERVICE.grpcPort) },
        proxies: [client, server],
      };
    },
  },
];
