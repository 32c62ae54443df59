/** A view of a RequestContext with its own abort signal, for the timeout layers. */
import type { RequestContext } from '../pipeline/types.js';

/** Every field but `signal` (and the controller behind the parent's) reads and writes through to the parent context. */
const forwarded = ['id', 'direction', 'clock', 'log', 'target', 'endpoint', 'attempt', 'triedEndpoints', 'deadline', 'stats', 'trace', 'originalDestination', 'peerAddress'] as const;

// A field added to RequestContext must be listed above, or layers outside a timeout would not see
// what layers inside it set: this line then fails to type-check.
const complete: [Exclude<keyof RequestContext, (typeof forwarded)[number] | 'signal' | 'requestAbort'>] extends [never] ? true : never = true;
void complete;

class LinkedContext {
  constructor(
    readonly parent: RequestContext,
    readonly signal: AbortSignal,
  ) {}
}

for (const key of forwarded) {
  Object.defineProperty(LinkedContext.prototype, key, {
    get(this: LinkedContext) {
      return this.parent[key];
    },
    set(this: LinkedContext, value: unknown) {
      (this.parent as unknown as Record<string, unknown>)[key] = value;
    },
  });
}

/**
 * The child aborts on its own signal (a timeout) while everything else stays shared: what inner
 * layers record (endpoint, attempt, stats, deadline) is what the outer layers (metrics, access log)
 * read.
 */
export function withSignal(ctx: RequestContext, signal: AbortSignal, own: Partial<RequestContext> = {}): RequestContext {
  return Object.assign(new LinkedContext(ctx, signal) as unknown as RequestContext, own);
}
