import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvocationTimeoutError, invocationBudget } from './invocation-budget.js';

const context = (remainingMs: number) => ({ awsRequestId: 'r', getRemainingTimeInMillis: () => remainingMs });

describe('invocationBudget', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives the engine the remaining time minus the margin, and aborts halfway through the margin', () => {
    const budget = invocationBudget(context(10_000), 1000);

    expect(budget.deadlineMs).toBe(9000);
    vi.advanceTimersByTime(9499);
    expect(budget.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(budget.signal.reason).toBeInstanceOf(InvocationTimeoutError);
    budget.dispose();
  });

  it('keeps a 1 ms deadline when the margin takes all the time, so the engine answers with its timeout', () => {
    const budget = invocationBudget(context(300), 1000);

    expect(budget.deadlineMs).toBe(1);
    expect(budget.signal.aborted).toBe(false);
    budget.dispose();
  });

  it('clears its timer when disposed', () => {
    const budget = invocationBudget(context(60_000), 1000);

    budget.dispose();

    expect(vi.getTimerCount()).toBe(0);
  });
});
