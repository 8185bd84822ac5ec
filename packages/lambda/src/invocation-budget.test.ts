import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { budgetSettings, InvocationTimeoutError, invocationBudget } from './invocation-budget.js';

const context = (remainingMs: number) => ({ awsRequestId: 'r', getRemainingTimeInMillis: () => remainingMs });
const margin = (safetyMarginMs: number) => budgetSettings({ safetyMarginMs, env: {} });

describe('invocationBudget', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gives the engine the remaining time minus the margin, and aborts halfway through the margin', () => {
    const budget = invocationBudget(context(10_000), margin(1000));

    expect(budget.deadlineMs).toBe(9000);
    vi.advanceTimersByTime(9499);
    expect(budget.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(budget.signal.reason).toBeInstanceOf(InvocationTimeoutError);
    expect(budget.signal.reason.name).toMatch(/TimeoutError$/);
    expect(budget.signal.reason.message).toMatch(/raise the function's timeout/);
    budget.dispose();
  });

  it('caps the deadline at BEDROCK_HA_MAX_DEADLINE_MS, and says so when the time is up', () => {
    const settings = budgetSettings({ env: { BEDROCK_HA_MAX_DEADLINE_MS: '27000' } });
    const budget = invocationBudget(context(29_000), settings);

    expect(budget.deadlineMs).toBe(27_000);
    vi.advanceTimersByTime(27_500);
    expect(budget.signal.reason.message).toMatch(/deadline of 27000 ms \(BEDROCK_HA_MAX_DEADLINE_MS/);
    budget.dispose();
  });

  it('rejects a cap that is not a positive number of ms', () => {
    expect(() => budgetSettings({ env: { BEDROCK_HA_MAX_DEADLINE_MS: '27s' } })).toThrow(
      /BEDROCK_HA_MAX_DEADLINE_MS is "27s"; give a positive number of ms/,
    );
  });

  it('keeps a 1 ms deadline when the margin takes all the time, so the engine answers with its timeout', () => {
    const budget = invocationBudget(context(300), margin(1000));

    expect(budget.deadlineMs).toBe(1);
    expect(budget.signal.aborted).toBe(false);
    budget.dispose();
  });

  it('clears its timer when disposed', () => {
    const budget = invocationBudget(context(60_000), margin(1000));

    budget.dispose();

    expect(vi.getTimerCount()).toBe(0);
  });
});
