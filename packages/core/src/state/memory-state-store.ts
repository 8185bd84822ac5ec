import type { BreakerRecord, Reservation, StateStore, WindowOptions } from './state-store.js';

/** Options of {@link MemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** The clock, epoch ms (default `Date.now`); inject one in tests. */
  readonly now?: () => number;
}

interface Window {
  start: number;
  total: number;
  /** The total the window before `start` ended with (0 when there was none). */
  previous: number;
}

/**
 * The default {@link StateStore}: one process's state in maps. Every method answers
 * synchronously, and is atomic because JavaScript runs it to completion. Share one instance
 * between engines to make them see one state (as a shared store would across processes).
 */
export class MemoryStateStore implements StateStore {
  private readonly now: () => number;
  private readonly breakers = new Map<string, BreakerRecord>();
  /** Probe holders' expiry, epoch ms. */
  private readonly probes = new Map<string, number>();
  private readonly buckets = new Map<string, number>();
  /** Failure counts and when each is forgotten (epoch ms). */
  private readonly failures = new Map<string, { count: number; until: number }>();
  private readonly windows = new Map<string, Window>();

  constructor(options: MemoryStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  readBreaker(key: string): BreakerRecord | undefined {
    return this.breakers.get(key);
  }

  writeBreaker(key: string, record: BreakerRecord): void {
    this.breakers.set(key, record);
  }

  acquireProbe(key: string, ttlMs: number): boolean {
    const now = this.now();
    const heldUntil = this.probes.get(key);
    if (heldUntil !== undefined && heldUntil > now) return false;
    this.probes.set(key, now + ttlMs);
    return true;
  }

  releaseProbe(key: string): void {
    this.probes.delete(key);
  }

  countFailure(key: string, windowMs: number): number {
    const now = this.now();
    const kept = this.failures.get(key);
    const count = kept && kept.until > now ? kept.count + 1 : 1;
    this.failures.set(key, { count, until: now + windowMs });
    return count;
  }

  resetFailures(key: string): void {
    this.failures.delete(key);
  }

  takeTokens(key: string, cost: number, capacity: number): number | undefined {
    const tokens = this.buckets.get(key) ?? capacity;
    if (cost > tokens) return undefined;
    this.buckets.set(key, tokens - cost);
    return tokens - cost;
  }

  refillTokens(key: string, amount: number, capacity: number): number {
    const tokens = Math.min(capacity, (this.buckets.get(key) ?? capacity) + amount);
    this.buckets.set(key, tokens);
    return tokens;
  }

  reserve(key: string, amount: number, options: WindowOptions): Reservation | undefined {
    const window = this.current(key, options.windowMs);
    const { limit, previousSeen } = options;
    const unseen = previousSeen === undefined ? 0 : Math.max(0, window.previous - previousSeen);
    if (limit !== undefined && window.total + unseen + amount > limit) return undefined;
    window.total += amount;
    return {
      key,
      windowStart: window.start,
      windowMs: options.windowMs,
      amount,
      total: window.total,
      previousTotal: window.previous,
    };
  }

  settle(reservation: Reservation, actual: number): void {
    const window = this.windows.get(reservation.key);
    const change = actual - reservation.amount;
    if (window?.start === reservation.windowStart) window.total = Math.max(0, window.total + change);
    // The window has just rolled over: the total it ended with is corrected instead.
    else if (window?.start === reservation.windowStart + reservation.windowMs)
      window.previous = Math.max(0, window.previous + change);
  }

  readWindow(key: string, windowMs: number): number {
    const window = this.windows.get(key);
    return window && window.start === windowStart(this.now(), windowMs) ? window.total : 0;
  }

  /** The current window of `key`, started afresh when the last one is over. */
  private current(key: string, windowMs: number): Window {
    const start = windowStart(this.now(), windowMs);
    let window = this.windows.get(key);
    if (!window) {
      window = { start, total: 0, previous: 0 };
      this.windows.set(key, window);
    } else if (window.start !== start) {
      window.previous = window.start === start - windowMs ? window.total : 0;
      window.start = start;
      window.total = 0;
    }
    return window;
  }
}

/** The start of the fixed window `now` falls in. */
export function windowStart(now: number, windowMs: number): number {
  return now - (now % windowMs);
}
