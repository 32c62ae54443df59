/** How the observe layers name a request's destination and failure, in one place so they agree. */
import { ErrorCodes, isWeftError } from '../../common/errors.js';
import type { RequestContext } from '../pipeline/types.js';

/** Label for requests to a destination the config does not know (sent on to where the app sent them). */
export const PASSTHROUGH = 'passthrough';

export interface Destination {
  service: string;
  namespace: string;
  /** Workload of the endpoint reached, '' when none was. */
  workload: string;
  /** Route name from the config, '' when the service's default route applied. */
  route: string;
}

/** Outbound requests without a target went to a destination unknown to the config: `passthrough`. */
export function destinationOf(ctx: RequestContext): Destination {
  const t = ctx.target;
  return {
    service: t?.service.name ?? (ctx.direction === 'outbound' ? PASSTHROUGH : ''),
    namespace: t?.service.namespace ?? '',
    workload: ctx.endpoint?.workload ?? '',
    route: t?.route?.name ?? '',
  };
}

/** The status a thrown error becomes, and its stable code (WEFT_INTERNAL for anything untyped). */
export function failureOf(err: unknown): { status: number; code: string } {
  if (isWeftError(err)) return { status: err.status, code: err.code };
  return { status: 500, code: ErrorCodes.INTERNAL };
}
