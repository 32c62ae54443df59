/**
 * Typed errors with stable codes. Logs, metric labels, the `x-weft-error` response header and
 * tests all use the same code, so "what went wrong" is spelled one way everywhere.
 */
export const ErrorCodes = {
  /** A config (file or control-plane push) failed validation; the previous config stays. */
  CONFIG_INVALID: 'WEFT_CONFIG_INVALID',
  /** The config file could not be read (missing, unreadable); the previous config stays. */
  CONFIG_UNREADABLE: 'WEFT_CONFIG_UNREADABLE',
  /** No route or service for the request's authority, and pass-through was not possible. */
  NO_ROUTE: 'WEFT_NO_ROUTE',
  /**
   * A destination the config does not know, refused: the outbound policy is registry-only, the
   * connection has no original destination to send it to, or the request named it in absolute form.
   */
  UNKNOWN_DESTINATION: 'WEFT_UNKNOWN_DESTINATION',
  /** The request would reach this proxy's own listener again (its own address, or its own hop mark seen again). */
  LOOP_DETECTED: 'WEFT_LOOP_DETECTED',
  /** Every endpoint of the target is ejected, not ready, or the set is empty. */
  NO_HEALTHY_ENDPOINT: 'WEFT_NO_HEALTHY_ENDPOINT',
  /** TCP connect to the chosen endpoint failed or timed out. */
  CONNECT_FAILED: 'WEFT_CONNECT_FAILED',
  CONNECT_TIMEOUT: 'WEFT_CONNECT_TIMEOUT',
  /** The whole request (all tries) exceeded its deadline. */
  REQUEST_TIMEOUT: 'WEFT_REQUEST_TIMEOUT',
  /** One try exceeded the per-try timeout (may be retried). */
  PER_TRY_TIMEOUT: 'WEFT_PER_TRY_TIMEOUT',
  /** No bytes moved for longer than the idle timeout. */
  IDLE_TIMEOUT: 'WEFT_IDLE_TIMEOUT',
  /** The upstream reset or closed the connection before a complete response. */
  UPSTREAM_RESET: 'WEFT_UPSTREAM_RESET',
  /** The upstream sent something that is not valid HTTP. */
  UPSTREAM_PROTOCOL: 'WEFT_UPSTREAM_PROTOCOL',
  /** Connection or pending-request limit reached (bulkhead): fail fast. */
  OVERLOADED: 'WEFT_OVERLOADED',
  /** Local rate limit exhausted. */
  RATE_LIMITED: 'WEFT_RATE_LIMITED',
  /** Fault injection aborted the request on purpose. */
  FAULT_INJECTED: 'WEFT_FAULT_INJECTED',
  /** The downstream request was malformed or ambiguous (smuggling, bad headers). */
  BAD_REQUEST: 'WEFT_BAD_REQUEST',
  HEADERS_TOO_LARGE: 'WEFT_HEADERS_TOO_LARGE',
  BODY_TOO_LARGE: 'WEFT_BODY_TOO_LARGE',
  /** The proxy has no config yet (it reports ready only once it has one). */
  NOT_READY: 'WEFT_NOT_READY',
  /** The proxy is draining and takes no new requests. */
  DRAINING: 'WEFT_DRAINING',
  /** The inbound caller is not allowed by authorization policy. */
  FORBIDDEN: 'WEFT_FORBIDDEN',
  INTERNAL: 'WEFT_INTERNAL',
  /** The injector refused a pod: a bad weft.dev/* annotation or a reserved container name. */
  INJECTION_REFUSED: 'WEFT_INJECTION_REFUSED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The HTTP status a proxy answers with for each code, when the error ends the request. */
const statusByCode: Record<ErrorCode, number> = {
  WEFT_CONFIG_INVALID: 500,
  WEFT_CONFIG_UNREADABLE: 500,
  WEFT_NO_ROUTE: 404,
  WEFT_UNKNOWN_DESTINATION: 403,
  WEFT_LOOP_DETECTED: 508,
  WEFT_NO_HEALTHY_ENDPOINT: 503,
  WEFT_CONNECT_FAILED: 503,
  WEFT_CONNECT_TIMEOUT: 503,
  WEFT_REQUEST_TIMEOUT: 504,
  WEFT_PER_TRY_TIMEOUT: 504,
  WEFT_IDLE_TIMEOUT: 504,
  WEFT_UPSTREAM_RESET: 502,
  WEFT_UPSTREAM_PROTOCOL: 502,
  WEFT_OVERLOADED: 503,
  WEFT_RATE_LIMITED: 429,
  WEFT_FAULT_INJECTED: 503,
  WEFT_BAD_REQUEST: 400,
  WEFT_HEADERS_TOO_LARGE: 431,
  WEFT_BODY_TOO_LARGE: 413,
  WEFT_NOT_READY: 503,
  WEFT_DRAINING: 503,
  WEFT_FORBIDDEN: 403,
  WEFT_INTERNAL: 500,
  WEFT_INJECTION_REFUSED: 400,
};

export class WeftError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeftError';
    this.code = code;
    this.status = options?.status ?? statusByCode[code];
  }
}

export function isWeftError(err: unknown, code?: ErrorCode): err is WeftError {
  return err instanceof WeftError && (code === undefined || err.code === code);
}

/** A config that failed validation; `path` names the offending field, e.g. `services[2].ports[0].port`. */
export class ConfigError extends WeftError {
  readonly path: string;

  constructor(path: string, message: string) {
    super(ErrorCodes.CONFIG_INVALID, path ? `${path}: ${message}` : message);
    this.name = 'ConfigError';
    this.path = path;
  }
}
