/**
 * The tries and failed tries of one endpoint over a sliding window, for outlier detection's
 * failure-rate ejection. Constant memory per endpoint (the buckets of two sliding counts).
 */
import type { OutlierPolicy } from '../../common/config/types.js';
import { SlidingCount } from '../pipeline/sliding-count.js';

export class FailureWindow {
  private readonly tries: SlidingCount;
  private readonly failures: SlidingCount;

  constructor(readonly windowMs: number) {
    this.tries = new SlidingCount(windowMs);
    this.failures = new SlidingCount(windowMs);
  }

  /** Count one try; true when the endpoint's failure rate now calls for an ejection. */
  record(failed: boolean, now: number, rate: OutlierPolicy['failureRate']): boolean {
    this.tries.add(now);
    if (failed) this.failures.add(now);
    const tries = this.tries.total(now);
    return failed && tries >= rate.minRequests && this.failures.total(now) * 100 >= rate.percent * tries;
  }
}
