import type { StateStore } from './state-store.js';

/** Why a store call was answered from local state. */
export interface StoreFallbackEvent {
  /** The {@link StateStore} method, such as `takeTokens`. */
  readonly operation: keyof StateStore;
  readonly reason: 'error' | 'timeout';
  /** What the store threw or rejected with, for `'error'`. */
  readonly error?: unknown;
}

/** Options of `withLocalFallback`. */
export interface LocalFallbackOptions {
  /** The longest a store call may take before local state answers instead (ms; default 5). */
  readonly timeoutMs?: number;
  /** Consecutive failed calls that stop calling the store for `coolDownMs` (default 5). */
  readonly failureThreshold?: number;
  /** How long the store is left alone once it keeps failing (ms; default 5000). */
  readonly coolDownMs?: number;
  /** The clock, epoch ms (default `Date.now`); it also drives the local state. */
  readonly now?: () => number;
  /** Each call answered locally because the store failed or was slow: log it, count it. */
  readonly onFallback?: (event: StoreFallbackEvent) => void;
  /** The store's own breaker opened (calls go local only) or closed again. */
  readonly onStoreStateChange?: (state: 'open' | 'closed') => void;
}
