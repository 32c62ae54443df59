/**
 * Whether one try failed, in one place, so the balancer, outlier detection and metrics agree: for
 * HTTP a 5xx response or a local failure (connect error, reset, timeout, protocol error); for gRPC
 * also a grpc-status listed as a failure, read from a trailers-only response at once or from the
 * trailers when the body ends. A client going away, or a body cut before its trailers, is nobody's
 * verdict on the endpoint (neutral).
 */
import { grpcStatusNames } from '../../common/config/grpc-status.js';
import { ErrorCodes, isWeftError } from '../../common/errors.js';
import type { ProxyResponse } from '../pipeline/types.js';
import { isGrpc } from '../protocol/headers.js';

export type TryVerdict = { kind: 'success' } | { kind: 'neutral' } | { kind: 'failure'; cause: string };


const success: TryVerdict = { kind: 'success' };
const neutral: TryVerdict = { kind: 'neutral' };
const serverError: TryVerdict = { kind: 'failure', cause: '5xx' };
const grpcFailures = new Map<string, TryVerdict>(grpcStatusNames.map((n) => [n, { kind: 'failure', cause: `grpc:${n}` }]));

/** Local failures that are the endpoint's fault, and the cause each is counted under. */
const errorCauses = new Map<string, TryVerdict>(
  [
    [ErrorCodes.CONNECT_FAILED, 'connect-failure'],
    [ErrorCodes.CONNECT_TIMEOUT, 'connect-failure'],
    [ErrorCodes.UPSTREAM_RESET, 'reset'],
    [ErrorCodes.UPSTREAM_PROTOCOL, 'protocol-error'],
    [ErrorCodes.PER_TRY_TIMEOUT, 'timeout'],
    [ErrorCodes.REQUEST_TIMEOUT, 'timeout'],
    [ErrorCodes.IDLE_TIMEOUT, 'timeout'],
  ].map(([code, cause]) => [code!, { kind: 'failure', cause: cause! }]),
);

/** The status name of a grpc-status value ("14" -> UNAVAILABLE), undefined when absent or malformed. */
export function grpcStatusName(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return grpcStatusNames[Number(raw)];
}

function grpcVerdict(value: string | string[] | undefined, failureCodes: readonly string[]): TryVerdict {
  const name = grpcStatusName(value);
  if (name === undefined) return neutral;
  return failureCodes.includes(name) ? grpcFailures.get(name)! : success;
}

/**
 * The verdict at the response headers, or undefined for a gRPC response whose status is still to
 * come in its trailers.
 */
export function headVerdict(res: ProxyResponse, grpcFailureCodes: readonly string[]): TryVerdict | undefined {
  if (res.status >= 500) return serverError;
  const status = res.headers['grpc-status'];
  if (status !== undefined) return grpcVerdict(status, grpcFailureCodes);
  return isGrpc(res.headers) && res.trailers ? undefined : success;
}

/**
 * For a response whose headVerdict is undefined: call `settle` once with the verdict its trailers
 * give. Kept apart from headVerdict so the common case (known at the headers) makes no closure.
 */
export function trailersVerdict(res: ProxyResponse, grpcFailureCodes: readonly string[], settle: (v: TryVerdict) => void): void {
  if (!res.trailers) return settle(neutral);
  res.trailers.then(
    (trailers) => settle(grpcVerdict(trailers['grpc-status'], grpcFailureCodes)),
    () => settle(neutral),
  );
}

/**
 * The verdict on a try that threw. A timeout aborts the try through its signal, so the signal's
 * reason says whose fault it was; a client that went away is neutral.
 */
export function errorVerdict(err: unknown, signal: AbortSignal): TryVerdict {
  const cause: unknown = signal.aborted ? signal.reason : err;
  return (isWeftError(cause) && errorCauses.get(cause.code)) || neutral;
}
