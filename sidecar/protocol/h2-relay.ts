/**
 * Moves a body from one stream to another with backpressure, as `pipe` does for the HTTP/2 paths,
 * with two listeners instead of pipe's seven per body (docs/decisions/0270): most gRPC bodies are
 * one small message, for which pipe's bookkeeping costs more than the bytes.
 */
import type { Readable, Writable } from 'node:stream';

export function relayBody(from: Readable, to: Writable): void {
  let waiting = false;
  const resume = (): void => {
    waiting = false;
    from.resume();
  };
  from.on('data', (chunk: Buffer) => {
    // A destination gone (reset, closed) takes no more; whoever closed it ends the source.
    if (to.destroyed || to.writableEnded) return;
    if (!to.write(chunk) && !waiting) {
      waiting = true;
      from.pause();
      to.once('drain', resume);
    }
  });
  from.once('end', () => {
    if (!to.destroyed && !to.writableEnded) to.end();
  });
}
