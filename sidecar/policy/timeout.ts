/**
 * Request (total, across tries) and per-try timeouts. Each races the inner handler against a timer
 * on the injected clock, aborts the in-flight try through the context's signal, and fails with a
 * WeftError (REQUEST_TIMEOUT / PER_TRY_TIMEOUT, both 504). They cover the wait for response
 * headers; a body that stalls afterwards is the idle timeout's (the forwarder's) business.
 * Connect and idle timeouts are applied by the forwarder, which owns the sockets.
 */
import { ErrorCodes, WeftError, type ErrorCode } from '../../common/errors.js';
import type { Handler, Layer, ProxyRequest, ProxyResponse, RequestContext } from '../pipeline/types.js';
import { withSignal } from './with-signal.js';
import { discardResponse } from '../pipeline/response-body.js';
import type { Selector } from './policy-selectors.js';

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
 * `requestTimeoutLayer({ requestMs: requestMsOf })`: sets ctx.deadline for
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

/** `perTryTimeoutLayer({ perTryMs: perTryMsOf })`: place inside the retry layer. */
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

function race(
  next: Handler,
  req: ProxyRequest,
  ctx: RequestContext,
  ms: number,
  own: Partial<RequestContext>,
  expire: () => WeftError,
): Promise<ProxyResponse> {
  // The whole request's deadline aborts the frontend's own controller when the context carries it:
  // no second AbortController and no listener per request (docs/decisions/0260). A per-try timeout
  // (or a context without one) gets a child signal that follows the parent while its timer runs;
  // linked by hand because AbortSignal.any costs tens of microseconds per request on Node 20.
  const root = own.deadline !== undefined ? ctx.requestAbort : undefined;
  let abort: { abort(reason: unknown): void };
  let child = ctx;
  let follow: (() => void) | undefined;
  if (root) {
    abort = root;
    Object.assign(ctx, own);
  } else {
    const linked = new AbortController();
    abort = linked;
    follow = (): void => linked.abort(ctx.signal.reason);
    if (ctx.signal.aborted) follow();
    else ctx.signal.addEventListener('abort', follow, { once: true });
    child = withSignal(ctx, linked.signal, own);
  }
  return new Promise<ProxyResponse>((resolve, reject) => {
    let expired = false;
    const timer = ctx.clock.setTimeout(() => {
      expired = true;
      const err = expire();
      recordError(ctx, err.code);
      abort.abort(err);
      reject(err);
    }, Math.max(0, ms));
    const settle = (): void => {
      timer.cancel();
      if (follow) ctx.signal.removeEventListener('abort', follow);
    };
    let attempt: Promise<ProxyResponse>;
    try {
      attempt = next(req, child);
    } catch (err) {
      attempt = Promise.reject(err);
    }
    attempt.then(
      (res) => {
        settle();
        // A response that arrives after the timer fired is nobody's: free its connection.
        if (expired) discardResponse(res);
        else resolve(res);
      },
      (err: unknown) => {
        settle();
        reject(err);
      },
    );
  });
}

function recordError(ctx: RequestContext, code: ErrorCode): void {
  ctx.stats.errorCode = code;
}
