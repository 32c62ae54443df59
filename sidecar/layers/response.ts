/** Helpers for the life of a ProxyResponse body: knowing when it is done, and throwing one away. */
import { finished } from 'node:stream';
import type { ProxyResponse } from '../pipeline/types.js';

/**
 * Call `done` once, when the response body ends, fails or is destroyed. In-flight counters are
 * released here rather than at the headers, because a streaming body (gRPC) is still load.
 */
export function onResponseDone(res: ProxyResponse, done: () => void): void {
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    done();
  };
  if (res.body.destroyed || res.body.readableEnded) {
    once();
    return;
  }
  finished(res.body, { readable: true, writable: false }, once);
}

/** Free the connection behind a response nobody will read (a retried or timed-out try). */
export function discardResponse(res: ProxyResponse): void {
  res.trailers?.catch(() => undefined);
  if (!res.body.destroyed) res.body.destroy();
}
