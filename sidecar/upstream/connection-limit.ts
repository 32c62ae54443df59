/**
 * `connectionLimits.maxConnections` per service: a try holds one of the service's connection slots
 * for as long as it holds an upstream connection (docs/decisions/0250). Beyond the limit it waits
 * in the service's line, bounded by maxPendingRequests, or fails fast with OVERLOADED (503).
 */
import type { RequestContext } from '../pipeline/types.js';
import { reportOverload, type BulkheadEvents } from '../policy/bulkhead.js';
import { KeyedState, serviceKey } from '../pipeline/keyed-state.js';
import { ConcurrencyLimiter } from '../policy/limiter.js';

export type ConnectionSlots = KeyedState<ConcurrencyLimiter>;

export function connectionSlots(): ConnectionSlots {
  return new KeyedState((key) => new ConcurrencyLimiter({ limit: 0, maxPending: 0 }, `connections to ${key}`));
}

const unlimited = (): void => undefined;

/**
 * A slot's release function; returned as it is (not as a promise) when the service has no limit
 * or there is no service, so the common case costs the forwarder no await.
 */
export function acquireConnectionSlot(slots: ConnectionSlots | undefined, ctx: RequestContext, events?: BulkheadEvents): (() => void) | Promise<() => void> {
  const target = ctx.target;
  const limits = target?.service.policy.connectionLimits;
  if (!slots || !target || !limits) return unlimited;
  const key = serviceKey(target);
  // A limit lifted by a config update still goes through its limiter once, so waiters are let in.
  if (limits.maxConnections === 0 && !slots.peek(key)) return unlimited;
  const limiter = slots.get(key);
  limiter.configure({ limit: limits.maxConnections, maxPending: limits.maxPendingRequests });
  return limiter.acquire(ctx.signal).catch((err: unknown) => {
    reportOverload(err, ctx, 'max_connections', events);
    throw err;
  });
}
