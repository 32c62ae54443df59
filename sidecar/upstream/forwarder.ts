/**
 * The terminal handler of every pipeline: sends the request to `ctx.endpoint` (chosen by the
 * balancer, the pass-through step or the inbound port mapping) over the target's protocol.
 */
import { defaultTimeouts } from '../../common/config/defaults.js';
import type { Protocol } from '../../common/config/types.js';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Handler, ProxyRequest, RequestContext } from '../pipeline/types.js';
import { forwardHttp1 } from './http1-forward.js';
import { forwardHttp2 } from './http2-forward.js';
import { forwardUpgrade } from './upgrade-forward.js';
import type { Http1Pool } from './http1-pool.js';
import type { Http2Pool } from './http2-pool.js';
import type { TimeoutEvents } from '../policy/timeout.js';
import type { BulkheadEvents } from '../policy/bulkhead.js';
import { onResponseDone } from '../pipeline/response-body.js';
import { acquireConnectionSlot, type ConnectionSlots } from './connection-limit.js';

export interface ForwarderOptions {
  http1: Http1Pool;
  http2: Http2Pool;
  /** Upstream protocol when there is no `ctx.target` (inbound, pass-through); defaults to the client's. */
  protocolFor?: (req: ProxyRequest, ctx: RequestContext) => Protocol | undefined;
  /** Reports idle timeouts (kind `idle`), which the forwarder enforces on its sockets and streams, and maxConnections rejections. */
  events?: TimeoutEvents & BulkheadEvents;
  /** Per-service maxConnections (`connectionSlots()`), shared across config updates. */
  connections?: ConnectionSlots;
}

export function forwarder(options: ForwarderOptions): Handler {
  return async (req, ctx) => {
    const endpoint = ctx.endpoint;
    if (!endpoint) throw new WeftError(ErrorCodes.NO_HEALTHY_ENDPOINT, `no endpoint chosen for ${ctx.target?.service.name ?? req.authority}`);
    ctx.stats.upstream = `${endpoint.address}:${endpoint.port}`;
    const to = {
      address: endpoint.address,
      port: endpoint.port,
      connectMs: ctx.target?.service.policy.timeouts.connectMs ?? defaultTimeouts.connectMs,
      idleMs: ctx.target?.service.policy.timeouts.idleMs ?? defaultTimeouts.idleMs,
      maxConnections: ctx.target?.service.policy.connectionLimits.maxConnections,
      onIdle: () => {
        ctx.stats.errorCode = ErrorCodes.IDLE_TIMEOUT;
        options.events?.timedOut?.(ctx, 'idle');
      },
    };
    const protocol = ctx.target?.protocol ?? options.protocolFor?.(req, ctx) ?? (req.protocol === 'http2' ? 'http2' : 'http');
    const multiplexed = !req.upgrade && (protocol === 'http2' || protocol === 'grpc');
    if (multiplexed) {
      // One session per endpoint: only a request that opens one takes a slot, held until it closes.
      if (!options.http2.has(to.address, to.port)) {
        const slot = acquireConnectionSlot(options.connections, ctx, options.events);
        const release = typeof slot === 'function' ? slot : await slot;
        if (options.http2.has(to.address, to.port)) release();
        else options.http2.session(to.address, to.port, to.connectMs).once('close', release);
      }
      return forwardHttp2(options.http2, to, req, ctx);
    }
    // HTTP/1.1 sends one request at a time per connection (no pipelining) and an upgrade owns its
    // connection, so a try holds a connection slot until its response body or tunnel is done.
    const slot = acquireConnectionSlot(options.connections, ctx, options.events);
    const release = typeof slot === 'function' ? slot : await slot;
    try {
      const res = req.upgrade ? await forwardUpgrade(to, req, ctx) : await forwardHttp1(options.http1, to, req, ctx);
      if (res.upgraded) res.upgraded.socket.once('close', release);
      else onResponseDone(res, release);
      return res;
    } catch (err) {
      release();
      throw err;
    }
  };
}
