/**
 * The abort state of one request: the client went away, or its deadline passed. An AbortSignal
 * costs about 4 microseconds to make on Node 20 (an EventTarget), and most requests never need
 * one, so the real signal is made only when a layer asks for it (a retry's backoff, a bulkhead
 * wait). The HTTP/1.1 forwarder hands this object to undici instead, which accepts an
 * EventEmitter with `aborted` and `reason` (docs/decisions/0260).
 */
import { EventEmitter } from 'node:events';

export class RequestAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined;

  /** An AbortSignal that follows this request, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Abort once; later calls keep the first reason, as AbortController does. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.emit('abort');
  }
}
