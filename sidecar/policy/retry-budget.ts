/**
 * The retry budget of one service: every request deposits into it, every retry withdraws, and a
 * retry is allowed only while retries in the window stay within `ratio` of requests plus a floor of
 * `minPerSecond`. During an outage this caps the extra load retries add at `ratio` (20% by default)
 * instead of multiplying traffic by the attempt count.
 */
import type { RetryPolicy } from '../../common/config/types.js';
import { SlidingCount } from '../pipeline/sliding-count.js';

export type BudgetPolicy = RetryPolicy['budget'];

export class RetryBudget {
  private requests: SlidingCount;
  private retries: SlidingCount;

  constructor(windowMs = 10_000) {
    this.requests = new SlidingCount(windowMs);
    this.retries = new SlidingCount(windowMs);
  }

  /** Count one original request (not a retry) as live traffic. */
  deposit(now: number, policy: BudgetPolicy): void {
    this.resize(policy.windowMs);
    this.requests.add(now);
  }

  /** Take one retry from the budget; false when it is exhausted. */
  tryWithdraw(now: number, policy: BudgetPolicy): boolean {
    this.resize(policy.windowMs);
    if (this.retries.total(now) + 1 > this.allowed(now, policy)) return false;
    this.retries.add(now);
    return true;
  }

  /** Retries the window allows right now. */
  allowed(now: number, policy: BudgetPolicy): number {
    return policy.ratio * this.requests.total(now) + (policy.minPerSecond * policy.windowMs) / 1000;
  }

  /** A config update that changes the window starts counting afresh. */
  private resize(windowMs: number): void {
    if (windowMs === this.requests.windowMs) return;
    this.requests = new SlidingCount(windowMs);
    this.retries = new SlidingCount(windowMs);
  }
}
