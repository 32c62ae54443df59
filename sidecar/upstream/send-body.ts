/** Streams a request body to the upstream HTTP/2 stream; a body that cannot be opened or fails ends the try. */
import type { Writable } from 'node:stream';
import type { RequestBody } from '../pipeline/types.js';
import { relayBody } from '../protocol/h2-relay.js';

export function sendBody(body: RequestBody, to: Writable, fail: (err: unknown) => void): void {
  if (body.empty) {
    to.end();
    return;
  }
  try {
    const stream = body.open();
    stream.once('error', fail);
    relayBody(stream, to);
  } catch (err) {
    fail(err);
  }
}
