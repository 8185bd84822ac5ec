import type { LocalFallbackOptions } from './local-fallback-options.js';
import { MemoryStateStore } from './memory-state-store.js';
import type { BreakerRecord, MaybePromise, Reservation, StateStore, WindowOptions } from './state-store.js';

export type { LocalFallbackOptions, StoreFallbackEvent } from './local-fallback-options.js';

const FALLBACK_MARKER = Symbol.for('bedrock-ha.LocalFallbackStore');

/**
 * Wraps a store so that the engine keeps working when it fails or is slow: every call also
 * updates a local {@link MemoryStateStore}, and a call that throws, rejects or outlasts
 * `timeoutMs` is answered from it. After `failureThreshold` failures in a row, the store itself
 * is left alone for `coolDownMs` (a breaker on the store), then tried again.
 *
 * Throws `RangeError` when a bound is not a whole number of at least 1.
 *
 * Local answers are this instance's view only: while the store is away, instances decide alone,
 * as they would without a shared store. A call that timed out may still apply to the store later.
 */
export function withLocalFallback(store: StateStore, options: LocalFallbackOptions = {}): StateStore {
  if (isLocalFallback(store)) return store;
  return new LocalFallbackStore(store, options);
}

/** Whether `store` already falls back to local state (so the engine does not wrap it twice). */
export function isLocalFallback(store: StateStore): boolean {
  return (store as { [FALLBACK_MARKER]?: boolean })[FALLBACK_MARKER] === true;
}

class LocalFallbackStore implements StateStore {
  readonly [FALLBACK_MARKER] = true;
  private readonly local: MemoryStateStore;
  private readonly now: () => number;
  private failures = 0;
  private openUntil = 0;
  /** Breaker records written locally only (the store failed or was left alone): re-sent once it answers. */
  private readonly unsynced = new Map<string, BreakerRecord>();
  private resyncing = false;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly options: LocalFallbackOptions,
  ) {
    for (const name of ['timeoutMs', 'failureThreshold', 'coolDownMs'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isInteger(value) && value >= 1))
        throw new RangeError(`withLocalFallback: ${name} must be a whole number of at least 1, got ${value}`);
    }
    this.now = options.now ?? Date.now;
    this.local = new MemoryStateStore({ now: this.now });
  }

  readBreaker(key: string) {
    return this.call('readBreaker', this.local.readBreaker(key), () => this.store.readBreaker(key));
  }

  writeBreaker(key: string, record: BreakerRecord) {
    // Kept until the store takes it (or a newer record replaces it), so that a breaker that
    // changed while the store was away reaches the fleet once it is back.
    this.unsynced.set(key, record);
    const written = this.call(
      'writeBreaker',
      this.local.writeBreaker(key, record),
      () => this.store.writeBreaker(key, record),
      () => {
        if (this.unsynced.get(key) === record) this.unsynced.delete(key);
      },
    );
    // Answered locally: retried later even if this instance makes no other store call meanwhile.
    const retry = () => {
      if (this.unsynced.get(key) === record) this.resyncLater();
    };
    if (written instanceof Promise) return written.then(retry);
    retry();
    return written;
  }

  acquireProbe(key: string, ttlMs: number) {
    return this.call('acquireProbe', this.local.acquireProbe(key, ttlMs), () =>
      this.store.acquireProbe(key, ttlMs),
    );
  }

  releaseProbe(key: string) {
    return this.call('releaseProbe', this.local.releaseProbe(key), () => this.store.releaseProbe(key));
  }

  countFailure(key: string, windowMs: number) {
    return this.call('countFailure', this.local.countFailure(key, windowMs), () =>
      this.store.countFailure(key, windowMs),
    );
  }

  resetFailures(key: string) {
    return this.call('resetFailures', this.local.resetFailures(key), () => this.store.resetFailures(key));
  }

  takeTokens(key: string, cost: number, capacity: number) {
    return this.call('takeTokens', this.local.takeTokens(key, cost, capacity), () =>
      this.store.takeTokens(key, cost, capacity),
    );
  }

  refillTokens(key: string, amount: number, capacity: number) {
    return this.call('refillTokens', this.local.refillTokens(key, amount, capacity), () =>
      this.store.refillTokens(key, amount, capacity),
    );
  }

  reserve(key: string, amount: number, window: WindowOptions) {
    return this.call('reserve', this.local.reserve(key, amount, window), () =>
      this.store.reserve(key, amount, window),
    );
  }

  settle(reservation: Reservation, actual: number) {
    return this.call('settle', this.local.settle(reservation, actual), () =>
      this.store.settle(reservation, actual),
    );
  }

  readWindow(key: string, windowMs: number) {
    return this.call('readWindow', this.local.readWindow(key, windowMs), () =>
      this.store.readWindow(key, windowMs),
    );
  }

  /** The store's answer when it gives one in time, else `local` (already applied locally). */
  private call<T>(
    operation: keyof StateStore,
    local: T,
    remote: () => MaybePromise<T>,
    stored?: () => void,
  ): MaybePromise<T> {
    if (this.openUntil > this.now()) return local;
    let answer: MaybePromise<T>;
    try {
      answer = remote();
    } catch (error) {
      return this.failed(operation, 'error', local, error);
    }
    if (!(answer instanceof Promise)) return this.succeeded(answer, stored);
    const timeoutMs = this.options.timeoutMs ?? 5;
    return new Promise<T>((resolve) => {
      const timer = setTimeout(() => resolve(this.failed(operation, 'timeout', local)), timeoutMs);
      answer.then(
        (value) => {
          clearTimeout(timer);
          resolve(this.succeeded(value, stored));
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolve(this.failed(operation, 'error', local, error));
        },
      );
    });
  }

  private succeeded<T>(value: T, stored?: () => void): T {
    stored?.();
    this.failures = 0;
    if (this.openUntil !== 0) {
      this.openUntil = 0;
      this.notify(() => this.options.onStoreStateChange?.('closed'));
    }
    if (this.unsynced.size > 0) this.resync();
    return value;
  }

  /**
   * The store answers again: send it the breakers opened here while it was away, each while it is
   * still open and unless the store already holds it open for longer (another instance's).
   */
  private resync(): void {
    if (this.resyncing) return;
    this.resyncing = true;
    const pending = [...this.unsynced];
    this.unsynced.clear();
    const sendAll = async () => {
      for (const [key, record] of pending) {
        if (this.unsynced.has(key)) continue; // a newer record was written meanwhile
        // A closing is not pushed: it could hide a breaker another instance opened meanwhile.
        if (record.state !== 'open' || record.openUntil <= this.now()) continue;
        try {
          const current = await this.store.readBreaker(key);
          if (current?.state === 'open' && current.openUntil >= record.openUntil) continue;
          await this.store.writeBreaker(key, record);
        } catch (error) {
          // Still away: keep it for the next answer, and try again later.
          if (!this.unsynced.has(key)) this.unsynced.set(key, record);
          this.resyncLater();
          this.notify(() => this.options.onFallback?.({ operation: 'writeBreaker', reason: 'error', error }));
        }
      }
    };
    sendAll().finally(() => {
      this.resyncing = false;
      if (this.unsynced.size > 0) this.resyncLater();
    });
  }

  /** Re-sync once the store's cool-down is over (at least 1 s from now); the timer holds no process open. */
  private resyncLater(): void {
    if (this.resyncTimer) return;
    const delayMs = Math.max(this.openUntil - this.now(), 0) + 1_000;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      if (this.unsynced.size > 0) this.resync();
    }, delayMs);
    this.resyncTimer.unref?.();
  }

  private failed<T>(operation: keyof StateStore, reason: 'error' | 'timeout', local: T, error?: unknown): T {
    this.notify(() =>
      this.options.onFallback?.({ operation, reason, ...(error !== undefined && { error }) }),
    );
    if (++this.failures >= (this.options.failureThreshold ?? 5) && this.openUntil <= this.now()) {
      this.openUntil = this.now() + (this.options.coolDownMs ?? 5_000);
      this.notify(() => this.options.onStoreStateChange?.('open'));
    }
    return local;
  }

  /** A listener's own error must not turn a fallback into a failure. */
  private notify(listener: () => void): void {
    try {
      listener();
    } catch {}
  }
}
