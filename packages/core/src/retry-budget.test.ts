import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

const budget = () => new RetryBudget({ capacity: 20, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 });

describe('RetryBudget', () => {
  it('starts full', () => {
    expect(budget().available).toBe(20);
  });

  it('charges retryCost for a throttling or server-error retry and timeoutRetryCost for a timeout', () => {
    const tokens = budget();
    expect(tokens.tryAcquire('other')).toBe(true);
    expect(tokens.available).toBe(15);
    expect(tokens.tryAcquire('timeout')).toBe(true);
    expect(tokens.available).toBe(5);
  });

  it('pays a cost equal to what is left, then refuses without taking anything', () => {
    const tokens = budget();
    for (let retry = 0; retry < 4; retry++) expect(tokens.tryAcquire('other')).toBe(true);
    expect(tokens.available).toBe(0);
    expect(tokens.tryAcquire('other')).toBe(false);
    expect(tokens.available).toBe(0);
  });

  it('refuses a timeout retry it cannot pay while still paying a cheaper one', () => {
    const tokens = budget();
    tokens.tryAcquire('timeout');
    tokens.tryAcquire('other');
    expect(tokens.available).toBe(5);
    expect(tokens.tryAcquire('timeout')).toBe(false);
    expect(tokens.available).toBe(5);
    expect(tokens.tryAcquire('other')).toBe(true);
  });

  it('gives successRefill back per success, never beyond capacity', () => {
    const tokens = budget();
    tokens.tryAcquire('other');
    for (let success = 0; success < 3; success++) tokens.refill();
    expect(tokens.available).toBe(18);
    for (let success = 0; success < 10; success++) tokens.refill();
    expect(tokens.available).toBe(20);
  });

  it('needs retryCost / successRefill successes to pay for one retry after running dry', () => {
    const tokens = budget();
    while (tokens.tryAcquire('other'));
    let successes = 0;
    while (!tokens.tryAcquire('other')) {
      tokens.refill();
      successes++;
    }
    expect(successes).toBe(5);
  });

  it('always allows a retry that costs nothing', () => {
    const free = new RetryBudget({ capacity: 1, retryCost: 0, timeoutRetryCost: 0, successRefill: 0 });
    for (let retry = 0; retry < 100; retry++) expect(free.tryAcquire('other')).toBe(true);
  });
});
