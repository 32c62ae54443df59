/**
 * A concurrency limit with a bounded waiting line, failing fast with OVERLOADED (503) when both are
 * full. The bulkhead layer uses one per service for requests; the forwarder one per service for
 * connections (maxConnections with maxPendingRequests, upstream/connection-limit.ts).
 */
import { ErrorCodes, WeftError } from '../../common/errors.js';

export interface LimiterSettings {
  /** Holders at once; 0 means no limit. */
  limit: number;
  /** Callers waiting for a slot; 0 means no limit (they wait until their signal aborts). */
  maxPending: number;
}

interface Waiter {
  grant: () => void;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly line: Waiter[] = [];

  constructor(
    private settings: LimiterSettings,
    /** What is being counted, for the error message ("requests to reviews.default"). */
    private readonly what: string,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get pending(): number {
    return this.line.length;
  }

  /** Apply new settings (a config update); a raised limit lets waiters in at once. */
  configure(settings: LimiterSettings): void {
    this.settings = settings;
    this.admit();
  }

  /** A slot's release function, at once or after waiting in line; throws OVERLOADED when the line is full. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const { limit, maxPending } = this.settings;
    if (limit === 0 || this.active < limit) return Promise.resolve(this.take());
    if (maxPending > 0 && this.line.length >= maxPending) {
      return Promise.reject(
        new WeftError(
          ErrorCodes.OVERLOADED,
          `${this.what}: ${this.active} in flight (limit ${limit}) and ${this.line.length} waiting (limit ${maxPending})`,
        ),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.line.splice(this.line.indexOf(waiter), 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.take());
        },
      };
      this.line.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.admit();
    };
  }

  private admit(): void {
    const { limit } = this.settings;
    while (this.line.length > 0 && (limit === 0 || this.active < limit)) this.line.shift()!.grant();
  }
}
