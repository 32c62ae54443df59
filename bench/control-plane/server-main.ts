/**
 * The control plane's config server alone, for the fan-out benchmark: serves a config of N services
 * x M endpoints to every proxy; a line `change <version> <wallMs>` on stdin swaps in a new version
 * and signals the change as observed at that wall time. Prints `{"port":N}` when listening.
 *   node dist/bench/control-plane/server-main.js <services> <endpointsPerService>
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { ControlPlaneMetrics } from '../../control-plane/metrics/metrics.js';
import { ConfigServer } from '../../control-plane/server/config-server.js';
import { fanoutConfig } from './fixture-config.js';

const services = Number(process.argv[2] ?? 10);
const endpoints = Number(process.argv[3] ?? 10);
let config = fanoutConfig(services, endpoints, 'v0');
// A generous queue: the benchmark's clients ACK every update, but 1000 of them on one event loop are slow to.
const server = new ConfigServer({ generate: () => config, clock: systemClock, log: silentLogger, metrics: new ControlPlaneMetrics(), queueLimit: 1000 });
const port = await server.listen('127.0.0.1', 0);
server.setReady();
console.log(JSON.stringify({ port }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, version, wallMs] = line.split(' ');
  if (cmd !== 'change' || !version) return;
  config = fanoutConfig(services, endpoints, version);
  server.changed(Number(wallMs));
});
const stop = (): void => void server.stop(500).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
