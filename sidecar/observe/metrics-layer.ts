/**
 * Metrics layer: wraps the pipeline and, once the response body has ended (or the chain failed),
 * counts the request, observes its duration and bytes with bounded labels read from the context
 * (target, endpoint, stats) that the inner layers filled in.
 */
import { ErrorCodes } from '../../common/errors.js';
import type { NodeIdentity } from '../../common/config/types.js';
import type { SidecarMetrics, PeerLabel } from './sidecar-metrics.js';
import type { Layer, RequestContext } from '../pipeline/types.js';
import { meterRequest, meterResponse, requestBytes } from './meter.js';
import { destinationOf, failureOf } from './outcome.js';
import type { PeerLookup } from './peer-workloads.js';

/** The source of an inbound call whose address no workload of the config has. */
const UNKNOWN = 'unknown';

export interface RequestRecord {
  status: number;
  grpcStatus?: string;
  errorCode?: string;
  durationSeconds: number;
  requestBytes: number;
  responseBytes: number;
}

/** `peers` names the caller of an inbound request by its address (peer-workloads.ts). */
export function metricsLayer(metrics: SidecarMetrics, node: NodeIdentity, peers: PeerLookup = () => undefined): Layer {
  const record = (peers: Record<PeerLabel, string>, r: RequestRecord): void => {
    const set = metrics.series.get({ peers, status: r.status, grpcStatus: r.grpcStatus ?? '', errorCode: r.errorCode ?? '' });
    // Counted here, handed to prom-client at the next scrape (sidecar/observe/sidecar-metrics.ts).
    set.counts.requests++;
    set.counts.requestBytes += r.requestBytes;
    set.counts.responseBytes += r.responseBytes;
    (set.durationSeries ??= metrics.requestDuration.series(set.duration)).observe(r.durationSeconds);
  };
  return (next) => async (req, ctx) => {
    const startedAt = ctx.clock.now();
    const counted = meterRequest(req, ctx);
    let res;
    try {
      res = await next(counted, ctx);
    } catch (err) {
      const failure = failureOf(err);
      record(peerLabelsOf(ctx, node, peers), {
        status: failure.status,
        errorCode: failure.code,
        durationSeconds: (ctx.clock.now() - startedAt) / 1000,
        requestBytes: requestBytes(ctx),
        responseBytes: 0,
      });
      throw err;
    }
    const status = res.status;
    void meterResponse(res, ctx).then((o) =>
      record(peerLabelsOf(ctx, node, peers), {
        status,
        grpcStatus: o.grpcStatus,
        // A body cut short after the headers went out is a reset, whatever the status said; a
        // request that succeeded on a retry is not labelled with the failure that was retried.
        errorCode: o.error ? ErrorCodes.UPSTREAM_RESET : status >= 400 ? ctx.stats.errorCode : undefined,
        durationSeconds: (o.endedAt - startedAt) / 1000,
        requestBytes: requestBytes(ctx),
        responseBytes: o.bytes,
      }),
    );
    return res;
  };
}

export function peerLabelsOf(ctx: RequestContext, node: NodeIdentity, peers: PeerLookup): Record<PeerLabel, string> {
  const dest = destinationOf(ctx);
  const outbound = ctx.direction === 'outbound';
  const caller = outbound ? undefined : peers(ctx.peerAddress);
  return {
    direction: ctx.direction,
    source_workload: outbound ? node.workload : (caller?.workload ?? UNKNOWN),
    source_namespace: outbound ? node.namespace : (caller?.namespace ?? UNKNOWN),
    destination_service: dest.service,
    destination_namespace: outbound ? dest.namespace : node.namespace,
    destination_workload: outbound ? dest.workload : node.workload,
    route: dest.route,
  };
}
