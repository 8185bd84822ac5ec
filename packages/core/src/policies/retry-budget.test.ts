import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

const budget = () =>
  new RetryBudget({ capacity: 20, throttlingRetryCost: 5, retryCost: 10, successRefill: 1 });

describe('RetryBudget', () => {
  it('starts full', () => {
    expect(budget().available).toBe(20);
  });

  it('charges throttlingRetryCost for a retry after throttling and retryCost for any other', () => {
    const tokens = budget();
    expect(tokens.tryAcquire('throttling')).toBe(true);
    expect(tokens.available).toBe(15);
    expect(tokens.tryAcquire('other')).toBe(true);
    expect(tokens.available).toBe(5);
  });

  it('pays a cost equal to what is left, then refuses without taking anything', () => {
    const tokens = budget();
    for (let retry = 0; retry < 4; retry++) expect(tokens.tryAcquire('throttling')).toBe(true);
    expect(tokens.available).toBe(0);
    expect(tokens.tryAcquire('throttling')).toBe(false);
    expect(tokens.available).toBe(0);
  });

  it('refuses a retry it cannot pay while still paying a cheaper throttling retry', () => {
    const tokens = budget();
    tokens.tryAcquire('other');
    tokens.tryAcquire('throttling');
    expect(tokens.available).toBe(5);
    expect(tokens.tryAcquire('other')).toBe(false);
    expect(tokens.available).toBe(5);
    expect(tokens.tryAcquire('throttling')).toBe(true);
  });

  it('gives successRefill back per success, never beyond capacity', () => {
    const tokens = budget();
    tokens.tryAcquire('throttling');
    for (let success = 0; success < 3; success++) tokens.refill();
    expect(tokens.available).toBe(18);
    for (let success = 0; success < 10; success++) tokens.refill();
    expect(tokens.available).toBe(20);
  });

  it('needs throttlingRetryCost / successRefill successes to pay for one retry after running dry', () => {
    const tokens = budget();
    while (tokens.tryAcquire('throttling'));
    let successes = 0;
    while (!tokens.tryAcquire('throttling')) {
      tokens.refill();
      successes++;
    }
    expect(successes).toBe(5);
  });

  it('always allows a retry that costs nothing', () => {
    const free = new RetryBudget({ capacity: 1, throttlingRetryCost: 0, retryCost: 0, successRefill: 0 });
    for (let retry = 0; retry < 100; retry++) expect(free.tryAcquire('throttling')).toBe(true);
  });
});
