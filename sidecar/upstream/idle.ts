/**
 * The idle timeout (`timeouts.idleMs`): no bytes in either direction for that long ends the stream.
 * Sockets and HTTP/2 streams have their own activity timers; a request body we pipe is watched here.
 */
import { Transform, pipeline, type Readable } from 'node:stream';
import type { Clock } from '../../common/clock.js';
import { ErrorCodes, WeftError } from '../../common/errors.js';

export function idleError(ms: number, where: string): WeftError {
  return new WeftError(ErrorCodes.IDLE_TIMEOUT, `${where}: no bytes in either direction for ${ms} ms`);
}

/**
 * The body passed through a guard that fails with IDLE_TIMEOUT when the client sends nothing for
 * `ms` before the body ends. One timer per body, re-armed lazily: no timer work per chunk.
 */
export function guardBodyIdle(body: Readable, ms: number, clock: Clock, where: string): Readable {
  let last = clock.now();
  let timer: { cancel(): void } | undefined;
  const guard = new Transform({
    transform(chunk, _encoding, done) {
      last = clock.now();
      done(null, chunk);
    },
  });
  const arm = (wait: number): void => {
    timer = clock.setTimeout(() => {
      const quiet = clock.now() - last;
      if (quiet >= ms) guard.destroy(idleError(ms, where));
      else arm(ms - quiet);
    }, wait);
  };
  arm(ms);
  // The source's own failure (client gone, 413) reaches the guard, and through it the forwarder.
  pipeline(body, guard, () => timer?.cancel());
  guard.once('end', () => timer?.cancel());
  return guard;
}
