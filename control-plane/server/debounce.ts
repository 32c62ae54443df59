/** Coalesces bursts of cluster changes into one push: fire after `quietMs` without news, or `maxMs` after the first. */
import type { Clock, TimerHandle } from '../../common/clock.js';

export interface DebounceOptions {
  quietMs: number;
  maxMs: number;
}

export class Debouncer<T> {
  private quiet?: TimerHandle;
  private max?: TimerHandle;
  private first?: T;

  constructor(
    private readonly clock: Clock,
    private readonly opts: DebounceOptions,
    /** Called with the value passed with the first trigger of the burst. */
    private readonly fire: (first: T) => void,
  ) {}

  trigger(value: T): void {
    if (this.first === undefined) {
      this.first = value;
      this.max = this.clock.setTimeout(() => this.flush(), this.opts.maxMs);
    }
    this.quiet?.cancel();
    this.quiet = this.clock.setTimeout(() => this.flush(), this.opts.quietMs);
  }

  get pending(): boolean {
    return this.first !== undefined;
  }

  flush(): void {
    const first = this.first;
    this.cancel();
    if (first !== undefined) this.fire(first);
  }

  cancel(): void {
    this.quiet?.cancel();
    this.max?.cancel();
    this.quiet = this.max = this.first = undefined;
  }
}
