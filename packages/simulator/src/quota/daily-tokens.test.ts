import { describe, expect, it } from 'vitest';
import { DailyTokens } from './daily-tokens.js';

describe('DailyTokens', () => {
  it('counts tokens until the window ends, then starts again from zero', () => {
    const day = new DailyTokens(100, 1_000, 0);
    day.add(100, 10);
    expect(day.available(999)).toBe(0);
    expect(day.resetsAt(999)).toBe(1_000);
    expect(day.available(1_000)).toBe(100);
  });

  it('gives back a corrected reservation, never below zero', () => {
    const day = new DailyTokens(100, 1_000, 0);
    day.add(60, 0);
    day.add(-40, 0);
    expect(day.usedToday(0)).toBe(20);
    day.add(-50, 0);
    expect(day.usedToday(0)).toBe(0);
  });

  it('starts a new window at newDay, and later windows follow from it', () => {
    const day = new DailyTokens(100, 1_000, 0);
    day.add(100, 500);
    day.newDay(600);
    expect(day.available(600)).toBe(100);
    day.add(100, 700);
    expect(day.available(1_500)).toBe(0);
    expect(day.resetsAt(1_500)).toBe(1_600);
    expect(day.available(1_600)).toBe(100);
  });
});
