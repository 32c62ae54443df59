/** A per-layer view of a RequestContext with its own abort signal (per-try and request timeouts). */
import type { RequestContext } from '../pipeline/types.js';

/**
 * The child reads everything else through to `ctx` (stats, target, attempt stay shared and live);
 * what inner layers set on it (endpoint, deadline) stays with this try.
 */
export function withSignal(ctx: RequestContext, signal: AbortSignal, own: Partial<RequestContext> = {}): RequestContext {
  const child = Object.create(ctx) as RequestContext;
  Object.defineProperty(child, 'signal', { value: signal, enumerable: true });
  return Object.assign(child, own);
}
