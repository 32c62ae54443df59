/**
 * The outbound request path (app -> mesh), assembled in one place. Read top to bottom: that is the
 * order a request goes through. The first layer listed is the outermost.
 */
import type { ProxyConfig } from '../../common/config/types.js';
import { outboundRouting } from '../routing/outbound-routing.js';
import type { Random } from '../routing/weighted.js';
import { forwarder } from '../upstream/forwarder.js';
import type { Http1Pool } from '../upstream/http1-pool.js';
import type { Http2Pool } from '../upstream/http2-pool.js';
import { compose, type Handler, type Layer } from './types.js';

/** Long-lived state shared by every pipeline built for successive configs. */
export interface PipelineState {
  http1: Http1Pool;
  http2: Http2Pool;
  /** Endpoint choice; replaced by the policy balancer once it is on main. */
  balancer: Layer;
  random?: Random;
  /** The proxy's own bound listener addresses (pass-through must not loop back into them). */
  self: () => { address: string; port: number }[];
}

export function outboundPipeline(config: ProxyConfig, state: PipelineState): Handler {
  return compose(
    [
      // Insertion point (observability): metrics, tracing headers and access log wrap everything below.
      // 1. Host/:authority -> service -> route -> weighted backend; header changes; mirror; pass-through.
      outboundRouting({ config, self: state.self, random: state.random }),
      // Insertion point (policy), in this order: request timeout, retries with budget, per-try timeout,
      // rate limit, fault injection, bulkhead, outlier detection.
      // 2. Choose the endpoint of the target (skipped for pass-through, which already has one).
      state.balancer,
    ],
    // 3. Send it over the endpoint's HTTP/1.1 pool or HTTP/2 session.
    forwarder({ http1: state.http1, http2: state.http2 }),
  );
}
