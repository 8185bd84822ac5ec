/** Settings of a retry budget. */
export interface RetryBudgetOptions {
  capacity: number;
  throttlingRetryCost: number;
  retryCost: number;
  successRefill: number;
}

/**
 * A token bucket that every retry draws from and every success refills, like the AWS SDK's retry
 * quota: while an endpoint keeps failing, the bucket empties and retries stop, so a storm cannot
 * multiply the load on it. Failing over to another endpoint costs nothing.
 */
export class RetryBudget {
  private tokens: number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.tokens = options.capacity;
  }

  /** Tokens left. */
  get available(): number {
    return this.tokens;
  }

  /** Takes the cost of one retry; false (and nothing taken) when the budget cannot pay it. */
  tryAcquire(kind: 'throttling' | 'other'): boolean {
    const cost = kind === 'throttling' ? this.options.throttlingRetryCost : this.options.retryCost;
    if (cost > this.tokens) return false;
    this.tokens -= cost;
    return true;
  }

  /** Gives tokens back after a success. */
  refill(): void {
    this.tokens = Math.min(this.options.capacity, this.tokens + this.options.successRefill);
  }
}
