/**
 * Request (total, across tries) and per-try timeouts. Each races the inner handler against a timer
 * on the injected clock, aborts the in-flight try through the context's signal, and fails with a
 * WeftError (REQUEST_TIMEOUT / PER_TRY_TIMEOUT, both 504). They cover the wait for response
 * headers; a body that stalls afterwards is the idle timeout's (the forwarder's) business.
 * Connect and idle timeouts are applied by the forwarder, which owns the sockets.
 */
import { ErrorCodes, WeftError, type ErrorCode } from '../../common/errors.js';
import type { Handler, Layer, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { withSignal } from './derive.js';
import { discardResponse } from './response.js';
import type { Selector } from './selectors.js';

export interface TimeoutEvents {
  /** `idle` comes from the forwarder, which enforces the idle timeout on its sockets and streams. */
  timedOut?(ctx: RequestContext, kind: 'request' | 'per-try' | 'idle'): void;
}

export interface RequestTimeoutOptions {
  /** Milliseconds for the whole request; 0 or undefined means none. */
  requestMs: Selector<number>;
  events?: TimeoutEvents;
}

export interface PerTryTimeoutOptions {
  /** Milliseconds for one try; 0 or undefined means none. */
  perTryMs: Selector<number>;
  events?: TimeoutEvents;
}

/**
 * `requestTimeoutLayer({ requestMs: (ctx) => timeoutsOf(ctx)?.requestMs })`: sets ctx.deadline for
 * the layers inside. A gRPC client's own deadline (`grpc-timeout`) applies when it is shorter.
 */
export function requestTimeoutLayer(options: RequestTimeoutOptions): Layer {
  return (next) => (req, ctx) => {
    const ms = shorter(options.requestMs(ctx), grpcTimeoutMs(req.headers['grpc-timeout']));
    if (!ms) return next(req, ctx);
    const deadline = Math.min(ctx.deadline ?? Infinity, ctx.clock.now() + ms);
    return race(next, req, ctx, deadline - ctx.clock.now(), { deadline }, () => {
      options.events?.timedOut?.(ctx, 'request');
      return new WeftError(ErrorCodes.REQUEST_TIMEOUT, `no response within the request timeout of ${ms} ms`);
    });
  };
}

/** `perTryTimeoutLayer({ perTryMs: (ctx) => timeoutsOf(ctx)?.perTryMs })`: place inside the retry layer. */
export function perTryTimeoutLayer(options: PerTryTimeoutOptions): Layer {
  return (next) => (req, ctx) => {
    const ms = options.perTryMs(ctx);
    if (!ms) return next(req, ctx);
    return race(next, req, ctx, ms, {}, () => {
      options.events?.timedOut?.(ctx, 'per-try');
      return new WeftError(ErrorCodes.PER_TRY_TIMEOUT, `try ${ctx.attempt + 1} got no response within ${ms} ms`);
    });
  };
}

const grpcUnitMs: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** gRPC over HTTP/2: `grpc-timeout: 1-8 digits then H, M, S, m, u or n`; undefined when absent or malformed. */
export function grpcTimeoutMs(value: string | string[] | undefined): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
  return match ? Math.max(1, Math.ceil(Number(match[1]) * grpcUnitMs[match[2]!]!)) : undefined;
}

function shorter(a: number | undefined, b: number | undefined): number | undefined {
  if (!a) return b;
  if (!b) return a;
  return Math.min(a, b);
}

async function race(
  next: Handler,
  req: ProxyRequest,
  ctx: RequestContext,
  ms: number,
  own: Partial<RequestContext>,
  expire: () => WeftError,
): Promise<ProxyResponse> {
  // A child signal that follows the parent (the client leaving, an outer timeout) while this timer
  // runs; linked by hand because AbortSignal.any costs tens of microseconds per request on Node 20.
  const controller = new AbortController();
  const follow = (): void => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) follow();
  else ctx.signal.addEventListener('abort', follow, { once: true });
  const child = withSignal(ctx, controller.signal, own);
  let timer: { cancel(): void } | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = ctx.clock.setTimeout(() => {
      const err = expire();
      recordError(ctx, err.code);
      controller.abort(err);
      reject(err);
    }, Math.max(0, ms));
  });
  const attempt = next(req, child);
  try {
    return await Promise.race([attempt, expired]);
  } catch (err) {
    // A response that arrives after the timer fired is nobody's: free its connection.
    if (controller.signal.aborted) attempt.then(discardResponse, () => undefined);
    throw err;
  } finally {
    timer?.cancel();
    ctx.signal.removeEventListener('abort', follow);
  }
}

function recordError(ctx: RequestContext, code: ErrorCode): void {
  ctx.stats.errorCode = code;
}
