/**
 * The load-balancing step: picks an endpoint of the routed service port (ready, not ejected) with
 * the service's algorithm, sets ctx.endpoint and ctx.stats.upstream for the forwarder, and keeps
 * the endpoint's in-flight count (until the response body ends), latency (to response headers) and
 * failure share (each try's verdict, try-outcome.ts). Runs once per try, inside the retry layer; a
 * retry goes to an endpoint this request has not tried yet while one is available.
 */
import type { LoadBalancerPolicy } from '../../common/config/types.js';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { Random } from '../../common/random.js';
import type { Headers, Layer, RequestContext, Target } from '../pipeline/types.js';
import type { EndpointSet, EndpointSets } from '../balancer/endpoint-set.js';
import { endpointSetFor } from '../balancer/endpoint-set.js';
import type { EndpointState } from '../balancer/endpoint-state.js';
import { hashKeyOf } from '../balancer/hash-key.js';
import { onResponseDone } from '../pipeline/response-body.js';
import { grpcFailureCodesOf, type Selector } from './policy-selectors.js';
import { errorVerdict, headVerdict, trailersVerdict, type TryVerdict } from './try-outcome.js';

export interface BalanceEvents {
  noHealthyEndpoint?(ctx: RequestContext): void;
  /** A try failed (try-outcome.ts); `cause` is e.g. 5xx, grpc:UNAVAILABLE, connect-failure, reset, timeout. */
  tryFailed?(target: Target, cause: string): void;
}

export interface BalanceOptions {
  /** Shared across requests and config updates (`endpointSets()`), also read by the outlier layer. */
  sets: EndpointSets;
  /** e.g. `loadBalancerOf` from policy-selectors.ts; P2C+EWMA when it gives nothing. */
  loadBalancer: Selector<LoadBalancerPolicy>;
  random: Random;
  events?: BalanceEvents;
  /**
   * Latency recorded for a try that failed without a response (connect error, reset), so a
   * fast-failing endpoint does not look like the fastest one. 1 s by default.
   */
  failurePenaltyMs?: number;
}

const defaultPolicy: LoadBalancerPolicy = { algorithm: 'p2c-ewma' };

/** `balanceLayer({ sets, loadBalancer: loadBalancerOf, random })`: the last layer before the forwarder. */
export function balanceLayer(options: BalanceOptions): Layer {
  const penalty = options.failurePenaltyMs ?? 1000;
  return (next) => async (req, ctx) => {
    const target = ctx.target;
    if (!target) return next(req, ctx);
    const set = endpointSetFor(options.sets, target);
    const started = ctx.clock.now();
    const candidates = set.available(started);
    if (candidates.length === 0) {
      options.events?.noHealthyEndpoint?.(ctx);
      ctx.stats.errorCode = ErrorCodes.NO_HEALTHY_ENDPOINT;
      throw new WeftError(ErrorCodes.NO_HEALTHY_ENDPOINT, noHealthyReason(set, started, `${target.service.name}.${target.service.namespace}:${target.port}`));
    }
    const policy = options.loadBalancer(ctx) ?? defaultPolicy;
    const affinity = hashKeyOf(policy, req.headers, options.random);
    const chosen = set.balancerFor(policy, options.random).pick(untried(candidates, ctx.triedEndpoints), started, affinity.key);
    ctx.endpoint = chosen.endpoint;
    ctx.stats.upstream = chosen.key;
    chosen.inFlight++;
    const codes = grpcFailureCodesOf(ctx) ?? [];
    try {
      const res = await next(req, ctx);
      const now = ctx.clock.now();
      const verdict = headVerdict(res, codes);
      // A try that failed at its headers (a 5xx, a trailers-only gRPC error) says nothing good of the
      // endpoint's speed: it may not make the estimate faster, or a fast-failing endpoint would win
      // the cost comparisons its failure share makes it lose.
      const latency = now - started;
      chosen.observeLatency(verdict?.kind === 'failure' ? Math.max(latency, chosen.currentLatency(now) ?? latency) : latency, now);
      onResponseDone(res, () => chosen.inFlight--);
      if (verdict) countTry(chosen, target, verdict, now, options.events);
      else trailersVerdict(res, codes, (v) => countTry(chosen, target, v, ctx.clock.now(), options.events));
      if (affinity.setCookie) appendHeader(res.headers, 'set-cookie', affinity.setCookie);
      return res;
    } catch (err) {
      chosen.inFlight--;
      const now = ctx.clock.now();
      if (!ctx.signal.aborted) chosen.observeLatency(Math.max(penalty, now - started), now);
      countTry(chosen, target, errorVerdict(err, ctx.signal), now, options.events);
      throw err;
    }
  };
}

/** A try's verdict in the endpoint's failure share, and a failure in the events. */
function countTry(chosen: EndpointState, target: Target, verdict: TryVerdict, now: number, events: BalanceEvents | undefined): void {
  if (verdict.kind === 'neutral') return;
  chosen.observeOutcome(verdict.kind === 'failure', now);
  if (verdict.kind === 'failure') events?.tryFailed?.(target, verdict.cause);
}

/**
 * The candidates this request has not tried yet (a retry should not go back to the endpoint that
 * just failed it), or all of them when every one was tried.
 */
function untried(candidates: EndpointState[], tried: readonly string[] | undefined): EndpointState[] {
  if (!tried) return candidates;
  const fresh = candidates.filter((c) => !tried.includes(c.key));
  return fresh.length > 0 ? fresh : candidates;
}

function noHealthyReason(set: EndpointSet, now: number, name: string): string {
  const all = set.all();
  if (all.length === 0) return `${name} has no endpoints`;
  const ready = all.filter((e) => e.endpoint.ready).length;
  const ejected = all.filter((e) => e.isEjected(now)).length;
  return `${name} has no healthy endpoint (${all.length} known, ${ready} ready, ${ejected} ejected)`;
}

function appendHeader(headers: Headers, name: string, value: string): void {
  const existing = headers[name];
  headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
}
