/** Measures one full-snapshot push for N services (default 1000) over loopback: size, build, send and validate+ACK time. */
import { parseProxyConfig, type ProxyConfig } from '../../common/config/index.js';
import { systemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { ControlPlaneSource } from '../../sidecar/config-source/control-plane.js';
import { ControlPlaneMetrics } from '../../control-plane/metrics/control-plane-metrics.js';
import { ConfigServer } from '../../control-plane/server/config-server.js';
import { prepareConfig } from '../../control-plane/server/prepared-config.js';

const services = Number(process.argv[2] ?? 1000);
const endpointsPerService = Number(process.argv[3] ?? 3);

function bigConfig(): ProxyConfig {
  return parseProxyConfig({
    node: { workload: 'web', namespace: 'default', pod: 'web-1' },
    services: Array.from({ length: services }, (_, i) => ({
      name: `svc-${i}`,
      namespace: 'default',
      clusterIPs: [`10.96.${i >> 8}.${i & 255}`],
      ports: [{ port: 8080, name: 'http', endpoints: Array.from({ length: endpointsPerService }, (_, j) => ({ address: `10.${(i >> 8) + 1}.${i & 255}.${j + 1}`, port: 8080, pod: `svc-${i}-${j}`, workload: `svc-${i}` })) }],
    })),
  });
}

const config = bigConfig();
let t = performance.now();
const prepared = prepareConfig(config);
const buildMs = performance.now() - t;

const server = new ConfigServer({ generate: () => config, clock: systemClock, log: silentLogger, metrics: new ControlPlaneMetrics() });
const port = await server.listen('127.0.0.1', 0);
server.setReady();
const source = new ControlPlaneSource({ address: `127.0.0.1:${port}`, identity: { pod: 'web-1', namespace: 'default', serviceAccount: 'default', workload: 'web', labels: {}, podIp: '' }, clock: systemClock, log: silentLogger });
t = performance.now();
await new Promise<void>((resolve) => {
  source.onConfig(() => resolve());
  source.start();
});
const pushMs = performance.now() - t;
await source.stop();
await server.stop(200);
console.log(JSON.stringify({ services, endpointsPerService, jsonBytes: prepared.jsonBytes, wireBytes: prepared.bytes, buildAndValidateMs: Math.round(buildMs), connectPushValidateApplyMs: Math.round(pushMs) }));
