import { MemoryStateStore } from '../state/memory-state-store.js';
import { ignoreRejection } from '../state/shared-breaker.js';
import type { MaybePromise, StateStore } from '../state/state-store.js';

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
 * multiply the load on it. Failing over to another endpoint costs nothing. The bucket lives in the
 * state store under the endpoint's key, so a shared store gives a fleet one budget per endpoint.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly options: RetryBudgetOptions,
    private readonly store: StateStore = new MemoryStateStore(),
    private readonly key = 'budget',
  ) {
    this.tokens = options.capacity;
  }

  /** Tokens left, as last seen in the store. */
  get available(): number {
    return this.tokens;
  }

  /**
   * Takes the cost of one retry; false (and nothing taken) when the budget cannot pay it.
   * Synchronous with a synchronous store.
   */
  tryAcquire(kind: 'throttling' | 'other'): MaybePromise<boolean> {
    const cost = kind === 'throttling' ? this.options.throttlingRetryCost : this.options.retryCost;
    const left = this.store.takeTokens(this.key, cost, this.options.capacity);
    return left instanceof Promise ? left.then((value) => this.taken(value)) : this.taken(left);
  }

  /** Gives tokens back after a success; nobody waits for the store. */
  refill(): void {
    const { successRefill, capacity } = this.options;
    // Always asked: another instance sharing the store may have drained the bucket.
    if (successRefill === 0) return;
    const now = this.store.refillTokens(this.key, successRefill, capacity);
    if (now instanceof Promise) ignoreRejection(now.then((value) => (this.tokens = value)));
    else this.tokens = now;
  }

  private taken(left: number | undefined): boolean {
    if (left === undefined) return false;
    this.tokens = left;
    return true;
  }
}
