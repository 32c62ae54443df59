/**
 * How a request that weft itself ends looks to the client: the error's HTTP status with an
 * `x-weft-error: <code>` header, or for gRPC a trailers-only response whose grpc-status follows the
 * gRPC HTTP mapping, so gRPC clients see UNAVAILABLE / DEADLINE_EXCEEDED rather than a bare 503.
 */
import { ErrorCodes, WeftError, isWeftError, type ErrorCode } from '../../common/errors.js';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** gRPC: no body, status and message in a trailers-only HEADERS frame. */
  trailersOnly: boolean;
}

const grpcStatus: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.REQUEST_TIMEOUT]: 4,
  [ErrorCodes.PER_TRY_TIMEOUT]: 4,
  [ErrorCodes.IDLE_TIMEOUT]: 4,
  [ErrorCodes.NO_ROUTE]: 12,
  [ErrorCodes.FORBIDDEN]: 7,
  [ErrorCodes.BAD_REQUEST]: 13,
  [ErrorCodes.HEADERS_TOO_LARGE]: 13,
  [ErrorCodes.BODY_TOO_LARGE]: 8,
  [ErrorCodes.INTERNAL]: 13,
};
/** Everything else weft generates (connect failures, overload, drain...) is UNAVAILABLE: retryable. */
const grpcUnavailable = 14;

export function toWeftError(err: unknown): WeftError {
  if (isWeftError(err)) return err;
  return new WeftError(ErrorCodes.INTERNAL, (err as Error | undefined)?.message ?? String(err), { cause: err });
}

/** `requestId`, when the request got one, lets the caller quote the failed call (x-request-id). */
export function errorResponse(err: WeftError, grpc: boolean, requestId?: string): ErrorResponse {
  const message = sanitize(err.message);
  const id: Record<string, string> = requestId ? { 'x-request-id': requestId } : {};
  if (grpc) {
    return {
      status: 200,
      headers: {
        'content-type': 'application/grpc',
        'grpc-status': String(grpcStatus[err.code] ?? grpcUnavailable),
        'grpc-message': encodeURIComponent(message),
        'x-weft-error': err.code,
        ...id,
      },
      body: '',
      trailersOnly: true,
    };
  }
  return {
    status: err.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-weft-error': err.code, ...id },
    body: `${err.code}: ${message}\n`,
    trailersOnly: false,
  };
}

/** Error messages can quote client input; keep them to one printable line. */
function sanitize(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}
