/**
 * A real outbound listener whose pipeline is routing -> policyLayers -> forwarder, with the policy
 * state and metrics exposed, for end-to-end tests of the policies over real sockets.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../common/clock.js';
import type { ProxyConfig } from '../../common/config/types.js';
import { silentLogger } from '../../common/log.js';
import { seededRandom } from '../../common/random.js';
import { createPolicyState, policyLayers, type PolicyState } from '../layers/policy.js';
import { policyMetricsEvents } from '../layers/policy-metrics.js';
import { Listener } from '../listeners/listener.js';
import { createSidecarMetrics, type SidecarMetrics } from '../metrics.js';
import { compose } from '../pipeline/types.js';
import { outboundRouting } from '../routing/outbound-routing.js';
import { forwarder } from '../upstream/forwarder.js';
import { Http1Pool } from '../upstream/http1-pool.js';
import { Http2Pool } from '../upstream/http2-pool.js';

export interface PolicyProxy {
  port: number;
  state: PolicyState;
  metrics: SidecarMetrics;
  /** Sum of a metric's samples. */
  metric(name: string): Promise<number>;
  upstreamConnections(): number;
  close(): void;
}

export async function startPolicyProxy(config: ProxyConfig, seed = 1): Promise<PolicyProxy> {
  const random = seededRandom(seed);
  const http1 = new Http1Pool();
  const http2 = new Http2Pool(systemClock);
  const state = createPolicyState();
  const metrics = createSidecarMetrics({ processMetrics: false });
  const handler = compose(
    [
      outboundRouting({ config, self: () => [], random }),
      ...policyLayers({ state, random, events: policyMetricsEvents(metrics, systemClock) }),
    ],
    forwarder({ http1, http2 }),
  );
  const listener = new Listener({
    name: 'outbound',
    direction: 'outbound',
    clock: systemClock,
    log: silentLogger,
    limits: config.limits,
    current: () => ({ handler, limits: config.limits, replayLimit: 64 * 1024 }),
    draining: () => false,
    tcpDestination: () => undefined,
  });
  const address = await listener.listen('127.0.0.1', 0);
  return {
    port: address.port,
    state,
    metrics,
    async metric(name) {
      const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
      return (m?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
    },
    upstreamConnections: () => http1.openSockets() + http2.openSessions(),
    close() {
      listener.destroy();
      http1.close();
      http2.close();
    },
  };
}

/** A loopback port with nothing listening on it (bound, then closed), for connect failures. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
