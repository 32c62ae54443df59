/** Scenario 1, the limit: the load generator talks straight to the upstream. */
import type { Scenario } from '../lib/scenario.js';

export const direct: Scenario = {
  name: 'direct',
  group: 'reference',
  description: 'load generator -> upstream, no proxy',
  async start(ctx) {
    const http = { url: `http://127.0.0.1:${ctx.upstream.httpPort}/` };
    return { http, grpc: { address: `127.0.0.1:${ctx.upstream.grpcPort}` }, proxies: [], throughput: { http, proxy: null, label: 'upstream only' } };
  },
};
