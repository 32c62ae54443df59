/** Streams a request body to the upstream request; a body that cannot be opened or fails ends the try. */
import type { Writable } from 'node:stream';
import type { RequestBody } from '../pipeline/types.js';

export function sendBody(body: RequestBody, to: Writable, fail: (err: unknown) => void): void {
  if (body.empty) {
    to.end();
    return;
  }
  try {
    const stream = body.open();
    stream.once('error', fail);
    stream.pipe(to);
  } catch (err) {
    fail(err);
  }
}
