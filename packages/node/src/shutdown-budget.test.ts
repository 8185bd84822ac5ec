import { describe, expect, it } from 'vitest';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, drainBudgetMs } from './shutdown-budget.js';

describe('drainBudgetMs', () => {
  it('keeps part of the budget for the telemetry flush, so both fit in Docker’s 10 s grace period', () => {
    expect(DEFAULT_SHUTDOWN_TIMEOUT_MS).toBeLessThan(10_000);
    expect(drainBudgetMs(DEFAULT_SHUTDOWN_TIMEOUT_MS, true)).toBe(6_000);
    expect(drainBudgetMs(30_000, true)).toBe(28_000);
    expect(drainBudgetMs(400, true)).toBe(300);
  });

  it('keeps a smaller part for the access-log lines of cut requests when no telemetry runs', () => {
    expect(drainBudgetMs(DEFAULT_SHUTDOWN_TIMEOUT_MS, false)).toBe(7_000);
    expect(drainBudgetMs(2_000, false)).toBe(1_500);
    expect(drainBudgetMs(0, false)).toBe(0);
  });
});
