/**
 * Access log layer: one pino JSON line per request when enabled (and sampled), written when the
 * response body has ended so it carries the full duration and byte counts. Off by default.
 */
import type { AccessLogConfig } from '../../common/config/types.js';
import { ErrorCodes } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import type { Layer, ProxyRequest, RequestContext } from '../pipeline/types.js';
import { meterRequest, meterResponse, requestBytes, type ResponseOutcome } from './meter.js';
import { destinationOf, failureOf } from './outcome.js';

export interface AccessLogOptions {
  config: AccessLogConfig;
  /** Where the lines go; the sidecar passes `root.child({ component: 'access' })`. */
  log: Logger;
  random?: () => number;
}

/** The fields of one line; docs/observability.md describes each. */
export interface AccessLogLine {
  requestId: string;
  traceId?: string;
  direction: 'inbound' | 'outbound';
  method: string;
  authority: string;
  path: string;
  status: number;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  service: string;
  route?: string;
  upstream?: string;
  retries: number;
  errorCode?: string;
  grpcStatus?: string;
}

// Paths are logged as received, up to a bound: a line must not grow with a hostile request.
const maxPathChars = 1024;

export function accessLogLayer(options: AccessLogOptions): Layer {
  const { config, log } = options;
  const random = options.random ?? Math.random;
  if (!config.enabled || config.sampleRate <= 0) return (next) => next;
  return (next) => async (req, ctx) => {
    if (config.sampleRate < 1 && random() >= config.sampleRate) return next(req, ctx);
    const startedAt = ctx.clock.now();
    try {
      const res = await next(meterRequest(req, ctx), ctx);
      const status = res.status;
      void meterResponse(res, ctx).then((o) => log.info(lineOf(req, ctx, startedAt, status, o), 'access'));
      return res;
    } catch (err) {
      const failure = failureOf(err);
      log.info({ ...lineOf(req, ctx, startedAt, failure.status), errorCode: failure.code }, 'access');
      throw err;
    }
  };
}

function lineOf(req: ProxyRequest, ctx: RequestContext, startedAt: number, status: number, o?: ResponseOutcome): AccessLogLine {
  const dest = destinationOf(ctx);
  const endedAt = o?.endedAt ?? ctx.clock.now();
  return {
    requestId: ctx.trace?.requestId ?? ctx.id,
    traceId: ctx.trace?.span.traceId,
    direction: ctx.direction,
    method: req.method,
    authority: req.authority,
    path: req.path.length > maxPathChars ? `${req.path.slice(0, maxPathChars)}...` : req.path,
    status,
    durationMs: Math.round((endedAt - startedAt) * 1000) / 1000,
    requestBytes: requestBytes(ctx),
    responseBytes: o?.bytes ?? 0,
    service: dest.service,
    route: dest.route || undefined,
    upstream: ctx.stats.upstream,
    retries: ctx.stats.retries,
    errorCode: o?.error ? ErrorCodes.UPSTREAM_RESET : ctx.stats.errorCode,
    grpcStatus: o?.grpcStatus,
  };
}
