/** Helpers for the life of a ProxyResponse body: knowing when it is done, and throwing one away. */
import { finished, type Readable } from 'node:stream';
import type { ProxyResponse } from './types.js';

type Watcher = (err: Error | undefined) => void;

/**
 * Callbacks waiting for each body's end. The forwarder, the balancer, the bulkhead and the observe
 * layers all wait for the same body: one `finished` per body instead of one per layer, because each
 * `finished` adds half a dozen listeners and a closure to the request (docs/decisions/0260).
 */
const waiting = new WeakMap<Readable, Watcher[]>();

/**
 * Call `done` once, when the body ends, fails or is destroyed (with the error, if it did not end).
 * Callbacks run in the order they were added.
 */
export function onBodyDone(body: Readable, done: Watcher): void {
  let list = waiting.get(body);
  if (list) {
    list.push(done);
    return;
  }
  if (body.readableEnded) return done(undefined);
  if (body.destroyed) return done(body.errored ?? new Error('response body closed before it ended'));
  list = [done];
  waiting.set(body, list);
  finished(body, { readable: true, writable: false }, (err) => {
    waiting.delete(body);
    for (const fn of list) fn(err ?? undefined);
  });
}

/**
 * Call `done` once, when the response body ends, fails or is destroyed. In-flight counters are
 * released here rather than at the headers, because a streaming body (gRPC) is still load.
 */
export function onResponseDone(res: ProxyResponse, done: () => void): void {
  onBodyDone(res.body, () => done());
}

/** Free the connection behind a response nobody will read (a retried or timed-out try). */
export function discardResponse(res: ProxyResponse): void {
  res.trailers?.catch(() => undefined);
  if (!res.body.destroyed) res.body.destroy();
}
