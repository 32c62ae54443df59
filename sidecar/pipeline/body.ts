/**
 * The replayable request body of the pipeline contract: the client's bytes stream through to the
 * first reader while a copy is kept up to a bound, so a retry or a mirror can read them again.
 * Bodies are never buffered whole: past the bound the copy is dropped and replay is refused.
 */
import { PassThrough, Readable } from 'node:stream';
import { ErrorCodes, WeftError } from '../../common/errors.js';
import type { RequestBody } from './types.js';

export const emptyBody: RequestBody = {
  open: () => Readable.from([]),
  replayable: true,
  empty: true,
};

export interface BodyOptions {
  /** Bytes kept for replay; beyond this the copy is dropped. */
  replayLimit: number;
  /** Bodies larger than this fail with BODY_TOO_LARGE (413); 0 means no limit. */
  maxBytes: number;
}

export class ReplayableBody implements RequestBody {
  readonly empty = false;
  private copy: Buffer[] | undefined = [];
  private received = 0;
  private finished = false;
  private failure: Error | undefined;
  private sink: PassThrough | undefined;
  private started = false;

  constructor(
    private readonly source: Readable,
    private readonly options: BodyOptions,
  ) {}

  get replayable(): boolean {
    return this.finished && this.copy !== undefined;
  }

  /** Bytes received from the client so far. */
  get bytes(): number {
    return this.received;
  }

  open(): Readable {
    if (this.failure) throw this.failure;
    if (this.started && this.copy === undefined) {
      throw new WeftError(ErrorCodes.INTERNAL, `request body passed the ${this.options.replayLimit}-byte replay bound`);
    }
    // A later reader replaces the earlier one: it gets the copy so far, then the rest live.
    this.sink?.destroy();
    const sink = new PassThrough();
    this.sink = sink;
    for (const chunk of this.copy ?? []) sink.write(chunk);
    if (this.finished) sink.end();
    sink.on('drain', () => this.source.resume());
    if (!this.started) this.start();
    else if (!this.finished) this.source.resume();
    return sink;
  }

  private start(): void {
    this.started = true;
    this.source.on('data', (chunk: Buffer) => this.onData(chunk));
    this.source.once('end', () => {
      this.finished = true;
      this.sink?.end();
    });
    this.source.once('error', (err) => this.fail(err));
    this.source.once('aborted', () => this.fail(new WeftError(ErrorCodes.BAD_REQUEST, 'client aborted the request body')));
  }

  private onData(chunk: Buffer): void {
    this.received += chunk.length;
    const { maxBytes, replayLimit } = this.options;
    if (maxBytes > 0 && this.received > maxBytes) {
      this.fail(new WeftError(ErrorCodes.BODY_TOO_LARGE, `request body larger than ${maxBytes} bytes`));
      this.source.pause();
      return;
    }
    if (this.copy) {
      if (this.received <= replayLimit) this.copy.push(chunk);
      else this.copy = undefined;
    }
    if (this.sink && !this.sink.write(chunk)) this.source.pause();
  }

  private fail(err: Error): void {
    if (this.failure || this.finished) return;
    this.failure = err;
    this.copy = undefined;
    this.sink?.destroy(err);
  }
}
