import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';
import { SlidingCount } from '../pipeline/sliding-count.js';

describe('SlidingCount', () => {
  it('forgets events once they slide out of the window', () => {
    const c = new SlidingCount(1000, 10);
    c.add(0, 5);
    c.add(550, 3);
    expect(c.total(999)).toBe(8);
    expect(c.total(1000)).toBe(3);
    expect(c.total(1600)).toBe(0);
    c.add(50_000);
    expect(c.total(50_000)).toBe(1);
  });
});

describe('RetryBudget', () => {
  const policy = { ratio: 0.2, minPerSecond: 1, windowMs: 10_000 };

  it('allows ratio of requests plus the per-second floor over the window, then refuses', () => {
    const budget = new RetryBudget();
    for (let i = 0; i < 100; i++) budget.deposit(0, policy);
    // 0.2 * 100 + 1/s * 10 s = 30
    let granted = 0;
    while (budget.tryWithdraw(100, policy)) granted++;
    expect(granted).toBe(30);
  });

  it('recovers as the window slides and new traffic deposits', () => {
    const budget = new RetryBudget();
    const none = { ratio: 0.5, minPerSecond: 0, windowMs: 1000 };
    for (let i = 0; i < 4; i++) budget.deposit(0, none);
    expect(budget.tryWithdraw(0, none)).toBe(true);
    expect(budget.tryWithdraw(0, none)).toBe(true);
    expect(budget.tryWithdraw(0, none)).toBe(false);
    expect(budget.tryWithdraw(1500, none)).toBe(false); // deposits expired too: nothing to retry on
    for (let i = 0; i < 2; i++) budget.deposit(1500, none);
    expect(budget.tryWithdraw(1500, none)).toBe(true);
    expect(budget.tryWithdraw(1500, none)).toBe(false);
  });

  it('with ratio 0 and no floor never allows a retry', () => {
    const budget = new RetryBudget();
    const off = { ratio: 0, minPerSecond: 0, windowMs: 1000 };
    budget.deposit(0, off);
    expect(budget.tryWithdraw(0, off)).toBe(false);
  });
});
