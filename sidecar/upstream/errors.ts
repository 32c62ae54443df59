/** Maps Node's socket and HTTP client errors onto weft's stable error codes. */
import { ErrorCodes, WeftError, isWeftError } from '../../common/errors.js';

const connectCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']);

export function upstreamError(err: unknown, where: string): WeftError {
  if (isWeftError(err)) return err;
  const code = (err as { code?: string } | undefined)?.code ?? '';
  const message = `${where}: ${(err as Error | undefined)?.message ?? String(err)}`;
  // undici's headers and body timers are set to the idle timeout (http1-forward.ts).
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new WeftError(ErrorCodes.IDLE_TIMEOUT, message, { cause: err });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new WeftError(ErrorCodes.CONNECT_TIMEOUT, message, { cause: err });
  if (connectCodes.has(code)) return new WeftError(ErrorCodes.CONNECT_FAILED, message, { cause: err });
  if (code.startsWith('HPE_') || code === 'ERR_HTTP2_PROTOCOL_ERROR') return new WeftError(ErrorCodes.UPSTREAM_PROTOCOL, message, { cause: err });
  return new WeftError(ErrorCodes.UPSTREAM_RESET, message, { cause: err });
}
