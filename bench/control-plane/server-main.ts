/**
 * The control plane's config server and translator without the Kubernetes watch, for the fan-out
 * benchmark: cluster state holds N selector-less Services with an EndpointSlice of M endpoints
 * each, and every proxy's config is translated for its own identity as in weft-control-plane. A
 * line `change <k> <wallMs>` on stdin applies change k (bench/control-plane/cluster-objects.ts) and
 * signals it as observed at that wall time. Prints `{"port":N}` when listening.
 *   node dist/bench/control-plane/server-main.js <services> <endpointsPerService>
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { ControlPlaneMetrics } from '../../control-plane/metrics/control-plane-metrics.js';
import { ConfigServer } from '../../control-plane/server/config-server.js';
import { ClusterState } from '../../control-plane/state/cluster-state.js';
import { TranslationCache } from '../../control-plane/translator/translation-cache.js';
import { benchService, benchSlice, changedSlice } from './cluster-objects.js';

const NAMESPACE = 'bench';
const services = Number(process.argv[2] ?? 10);
const endpoints = Number(process.argv[3] ?? 10);

const state = new ClusterState();
state.onReplace('Service', Array.from({ length: services }, (_, i) => benchService(NAMESPACE, i)));
state.onReplace('EndpointSlice', Array.from({ length: services }, (_, i) => benchSlice(NAMESPACE, i, endpoints)));
// A generous queue: the benchmark's clients ACK every update, but 1000 of them on one event loop are slow to.
const translations = new TranslationCache();
const server = new ConfigServer({
  generate: (id) => translations.translate(state.current().snapshot, id),
  clock: systemClock,
  log: silentLogger,
  metrics: new ControlPlaneMetrics(),
  queueLimit: 1000,
});
const port = await server.listen('127.0.0.1', 0);
server.setReady();
console.log(JSON.stringify({ port }));

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, k, wallMs] = line.split(' ');
  if (cmd !== 'change' || !k) return;
  state.onEvent('EndpointSlice', 'MODIFIED', changedSlice(NAMESPACE, endpoints, Number(k)).slice);
  server.changed(Number(wallMs));
});

const stop = (): void => void server.stop(500).then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
