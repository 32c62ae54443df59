/**
 * The outbound request path (app -> mesh), assembled in one place. Read top to bottom: that is the
 * order a request goes through. The first layer listed is the outermost.
 */
import type { ProxyConfig } from '../common/config/types.js';
import { outboundRouting } from './routing/outbound-routing.js';
import type { PassthroughOutcome } from './routing/passthrough.js';
import type { Random } from '../common/random.js';
import { forwarder } from './upstream/forwarder.js';
import type { Http1Pool } from './upstream/http1-pool.js';
import type { Http2Pool } from './upstream/http2-pool.js';
import type { TimeoutEvents } from './policy/timeout.js';
import type { BulkheadEvents } from './policy/bulkhead.js';
import type { ConnectionSlots } from './upstream/connection-limit.js';
import { compose, type Handler, type Layer } from './pipeline/types.js';

/** Long-lived state shared by every pipeline built for successive configs. */
export interface PipelineState {
  http1: Http1Pool;
  http2: Http2Pool;
  /** Metrics, tracing headers and access log for a pipeline of `config` (sidecar/observe/observability.ts). */
  observe: (config: ProxyConfig) => Layer[];
  /** Rate limit, timeouts, fault injection, bulkhead, retries, outlier detection and the balancer (sidecar/policy/policy-layers.ts). */
  policy: () => Layer[];
  /** Idle timeouts the forwarder enforced and maxConnections rejections, for the metrics. */
  forwardEvents?: TimeoutEvents & BulkheadEvents;
  /** Each service's maxConnections slots, kept across config updates. */
  connections?: ConnectionSlots;
  random?: Random;
  /** True when address:port is one of the proxy's own listeners (pass-through must not loop back into them). */
  isOwnListener: (address: string, port: number) => boolean;
  /** The proxy's hop mark: stamped on every outbound request routed to a service of the config, refused when seen again. */
  hopMark: string;
  /** What became of each request for a destination the config does not know, for the metrics. */
  onPassthrough?: (outcome: PassthroughOutcome) => void;
}

export function outboundPipeline(config: ProxyConfig, state: PipelineState): Handler {
  return compose(
    [
      // 1. Metrics, tracing headers (x-request-id, traceparent, B3) and the access log wrap everything below.
      ...state.observe(config),
      // 2. Host/:authority -> service -> route -> weighted backend; header changes; mirror; the hop
      //    mark; an unknown destination to the original destination (policy allow-any) or refused.
      outboundRouting({ config, isOwnListener: state.isOwnListener, hopMark: state.hopMark, onPassthrough: state.onPassthrough, random: state.random }),
      // 3. Policies of the routed service, each its own layer, in the order policy/policy-layers.ts explains:
      //    rate limit, request timeout, fault injection, bulkhead, retries within the budget,
      //    per-try timeout, outlier detection, and last the balancer choosing this try's endpoint.
      //    A pass-through request has no target: these layers let it by with the endpoint it has.
      ...state.policy(),
    ],
    // 4. Send it over the endpoint's HTTP/1.1 pool or HTTP/2 session.
    forwarder({ http1: state.http1, http2: state.http2, events: state.forwardEvents, connections: state.connections }),
  );
}
