/** Policy events counted in the sidecar's Prometheus metrics (retries, budget, timeouts, ejections, limits). */
import type { Clock } from '../../common/clock.js';
import type { SidecarMetrics } from './sidecar-metrics.js';
import type { RequestContext } from '../pipeline/types.js';
import type { PolicyEvents } from '../policy/policy-layers.js';

function serviceLabels(ctx: Pick<RequestContext, 'target'>): { destination_service: string; destination_namespace: string } {
  return { destination_service: ctx.target?.service.name ?? 'unknown', destination_namespace: ctx.target?.service.namespace ?? 'unknown' };
}

export function policyMetricsEvents(metrics: SidecarMetrics, clock: Clock): PolicyEvents {
  return {
    retried: (ctx, reason) => metrics.retries.inc({ ...serviceLabels(ctx), route: ctx.target?.route?.name ?? '', reason }),
    tryFailed: (target, cause) => metrics.tryFailures.inc({ ...serviceLabels({ target }), cause }),
    budgetExhausted: (ctx) => metrics.retryBudgetExhausted.inc(serviceLabels(ctx)),
    timedOut: (ctx, kind) => metrics.timeouts.inc({ ...serviceLabels(ctx), kind: kind === 'per-try' ? 'per_try' : kind }),
    overloaded: (ctx, _reason, limit) => metrics.overloaded.inc({ ...serviceLabels(ctx), limit }),
    rateLimited: (ctx) => metrics.rateLimited.inc({ direction: ctx.direction, ...serviceLabels(ctx) }),
    ejected: (_endpoint, info) => {
      const labels = serviceLabels(info);
      metrics.outlierEjections.inc(labels);
      metrics.ejectedEndpoints.inc(labels);
      // The ejection ends by itself when its time is up; the gauge follows on the same clock.
      clock.setTimeout(() => metrics.ejectedEndpoints.dec(labels), info.durationMs);
    },
  };
}
