/**
 * Which outcomes of a try are worth retrying under a RetryPolicy's `on` list, and which requests may
 * be retried at all. The reason returned is the condition that matched, from a fixed vocabulary,
 * so it can label a metric.
 */
import type { RetryOn, RetryPolicy } from '../../common/config/types.js';
import { ErrorCodes, isWeftError } from '../../common/errors.js';
import type { ProxyRequest, ProxyResponse } from '../pipeline/types.js';
import { grpcStatusName } from './try-outcome.js';

/** RFC 9110 section 9.2.2: methods whose repetition has the same effect as one request. */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

const connectFailures = new Set<string>([ErrorCodes.CONNECT_FAILED, ErrorCodes.CONNECT_TIMEOUT]);

export type RetryReason = RetryOn | 'grpc-status' | 'per-try-timeout';

/** A request may be retried when its method allows it and its body can be sent again. */
export function requestRetryable(req: ProxyRequest, policy: RetryPolicy): boolean {
  if (!policy.retryNonIdempotent && !idempotentMethods.has(req.method.toUpperCase())) return false;
  return req.body.empty || req.body.replayable;
}

/**
 * A response worth retrying: a listed status class or code, or a gRPC status from a trailers-only
 * response (grpc-status among the headers). A gRPC status in real trailers arrives after the body
 * has started streaming to the client, too late to retry.
 */
export function responseRetryReason(res: ProxyResponse, policy: RetryPolicy): RetryReason | undefined {
  const on = policy.on;
  const s = res.status;
  if (on.includes('gateway-error') && (s === 502 || s === 503 || s === 504)) return 'gateway-error';
  if (on.includes('5xx') && s >= 500 && s <= 599) return '5xx';
  if (on.includes('retriable-status-codes') && policy.statusCodes.includes(s)) return 'retriable-status-codes';
  const grpc = grpcStatusName(res.headers['grpc-status']);
  if (grpc && policy.grpcStatusCodes.includes(grpc)) return 'grpc-status';
  return undefined;
}

/**
 * A failed try worth retrying. Connect failures and resets count for `5xx` and `gateway-error` too
 * (the proxy would have answered them with 502/503), and so does a per-try timeout (504).
 */
export function errorRetryReason(err: unknown, policy: RetryPolicy): RetryReason | undefined {
  if (!isWeftError(err)) return undefined;
  const on = policy.on;
  const gatewayish = on.includes('5xx') || on.includes('gateway-error');
  if (connectFailures.has(err.code) && (gatewayish || on.includes('connect-failure'))) return 'connect-failure';
  if (err.code === ErrorCodes.UPSTREAM_RESET && (gatewayish || on.includes('reset'))) return 'reset';
  if (err.code === ErrorCodes.PER_TRY_TIMEOUT && gatewayish) return 'per-try-timeout';
  return undefined;
}
