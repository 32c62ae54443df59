/** Builds the FinishedSpan of a request from what the pipeline recorded on its context. */
import type { ProxyRequest, RequestContext } from '../../pipeline/types.js';
import type { ResponseOutcome } from '../meter.js';
import { destinationOf, failureOf } from '../outcome.js';
import type { FinishedSpan } from './span.js';

export interface SpanEnd {
  req: ProxyRequest;
  ctx: RequestContext;
  /** clock.now() and clock.wallNow() when the layer began. */
  startedAt: number;
  startWall: number;
  status?: number;
  outcome?: ResponseOutcome;
  error?: unknown;
}

export function finishSpan(end: SpanEnd): FinishedSpan {
  const { req, ctx } = end;
  const span = ctx.trace!.span;
  const dest = destinationOf(ctx);
  const failure = end.error === undefined ? undefined : failureOf(end.error);
  const status = failure?.status ?? end.status ?? 0;
  const attributes: Record<string, string> = {
    'http.method': req.method,
    'http.status_code': String(status),
    'http.target': req.path,
    'net.host.name': req.authority,
    'weft.direction': ctx.direction,
    'weft.request_id': ctx.trace!.requestId,
    'weft.destination.service': dest.service,
  };
  if (dest.namespace) attributes['weft.destination.namespace'] = dest.namespace;
  if (dest.route) attributes['weft.route'] = dest.route;
  if (ctx.stats.retries) attributes['weft.retries'] = String(ctx.stats.retries);
  const errorCode = failure?.code ?? ctx.stats.errorCode;
  if (errorCode) attributes['weft.error_code'] = errorCode;
  if (end.outcome?.grpcStatus !== undefined) attributes['rpc.grpc.status_code'] = end.outcome.grpcStatus;
  if (end.outcome?.error) attributes.error = end.outcome.error.message;
  const endedAt = end.outcome?.endedAt ?? ctx.clock.now();
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: `${req.method} ${dest.service}`,
    kind: ctx.direction === 'outbound' ? 'client' : 'server',
    startMs: end.startWall,
    durationMs: Math.max(0, endedAt - end.startedAt),
    upstream: ctx.stats.upstream,
    attributes,
    error: failure !== undefined || status >= 500 || end.outcome?.error !== undefined,
  };
}
