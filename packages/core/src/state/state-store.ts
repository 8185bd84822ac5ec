/**
 * A value now, or later. The in-memory store answers synchronously so the engine's hot path never
 * waits a microtask for it; a networked store (Redis) answers with a promise, and the engine
 * awaits only then.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * An endpoint's breaker as the fleet sees it. Half-open is not stored: it is an open record whose
 * `openUntil` has passed, and the instance holding the probe (see {@link StateStore.acquireProbe})
 * is the one testing the endpoint.
 */
export interface BreakerRecord {
  readonly state: 'open' | 'closed';
  /** Epoch ms until which calls are turned away; meaningful when `state` is `'open'`. */
  readonly openUntil: number;
  /** The cool-down that set `openUntil` (ms), so an instance that only read the record can reopen it alike. */
  readonly coolDownMs: number;
}

/** A breaker record's read: the record now, or later from a networked store. */
export type RecordRead = MaybePromise<BreakerRecord | undefined>;

/** The window a usage counter counts in. */
export interface WindowOptions {
  /** Length of the fixed window (ms); windows start at multiples of it since the epoch. */
  readonly windowMs: number;
  /** The most the window may hold; omitted: every reservation fits (a plain counter). */
  readonly limit?: number;
  /**
   * The previous window's total as the caller last saw it: what was added there since (by others
   * sharing the store, at its end) counts against `limit` too. Omitted: only this window counts.
   */
  readonly previousSeen?: number;
}

/** Usage reserved in one window; hand it back to {@link StateStore.settle}. */
export interface Reservation {
  readonly key: string;
  /** Epoch ms at which the reservation's window began. */
  readonly windowStart: number;
  readonly windowMs: number;
  readonly amount: number;
  /** The window's total right after this reservation was added. */
  readonly total: number;
  /**
   * The total the window before this one ended with (0 when it was empty), when the store kept it:
   * with a shared store, what the fleet added there, also after this instance last looked.
   */
  readonly previousTotal?: number;
}

/**
 * Where the engine keeps the state that outlives a request: breaker state, the retry budget and
 * per-endpoint usage counters. The default is {@link MemoryStateStore} (one process); a shared
 * implementation (Redis) lets a fleet of instances see one state.
 *
 * Keys are endpoint ids (with a suffix per counter, such as `:requests`); a shared store adds its
 * own prefix. Instances that share a store must give the same endpoint the same id.
 *
 * Consistency rules every implementation keeps:
 * 1. Each method is atomic on its key: `takeTokens`, `refillTokens`, `reserve`, `settle` and
 *    `acquireProbe` are read-modify-write operations that concurrent callers (in one process or
 *    across a fleet) never interleave (a Lua script or `SET NX PX` on Redis).
 * 2. There is no ordering across keys and no transaction across calls: the engine never relies on
 *    two keys changing together.
 * 3. Reads may be stale by the store's propagation delay; writes are last-writer-wins. The engine
 *    tolerates both: a breaker record read late opens or closes a breaker late, never wrongly for
 *    long, because every record carries its own expiry (`openUntil`, the probe's TTL).
 * 4. Bounded latency: a call should answer within a few milliseconds. The engine wraps injected
 *    stores with {@link withLocalFallback}, which answers from local state when a call throws,
 *    rejects or takes longer than its bound, so a slow or failing store never fails a request.
 *    A call that timed out may still apply later; counters converge as their windows roll over.
 * 5. Times are epoch milliseconds from the store's clock; windows are fixed, aligned to multiples
 *    of `windowMs`, so every instance agrees on which window a moment falls in.
 * 6. Nothing here throws for a missing key: an unknown breaker is closed, an unknown budget is
 *    full, an unknown window is empty.
 */
export interface StateStore {
  /** The endpoint's breaker record, or `undefined` when none was written (closed). */
  readBreaker(key: string): MaybePromise<BreakerRecord | undefined>;

  /** Replaces the breaker record (last writer wins). */
  writeBreaker(key: string, record: BreakerRecord): MaybePromise<void>;

  /**
   * Takes the right to send the single half-open probe: true for exactly one caller until
   * {@link releaseProbe} or until `ttlMs` passes (so a crashed holder cannot block the endpoint).
   * Set-if-absent with expiry (`SET key 1 NX PX ttl` on Redis).
   */
  acquireProbe(key: string, ttlMs: number): MaybePromise<boolean>;

  /** Gives the probe back, whatever its outcome; a no-op when nobody holds it. */
  releaseProbe(key: string): MaybePromise<void>;

  /**
   * Adds one failure to the count `key` (shared by every engine on the store) and keeps it for
   * `windowMs` after this failure (a count with no failure for that long is forgotten): the count
   * now, this failure included (`INCR` + `PEXPIRE` on Redis).
   */
  countFailure(key: string, windowMs: number): MaybePromise<number>;

  /** Forgets the failure count `key` (a success, or its breaker closed); a no-op when there is none. */
  resetFailures(key: string): MaybePromise<void>;

  /**
   * Takes `cost` tokens from the bucket `key` (which starts full at `capacity`): the tokens left,
   * or `undefined` (and nothing taken) when fewer than `cost` are left.
   */
  takeTokens(key: string, cost: number, capacity: number): MaybePromise<number | undefined>;

  /** Adds `amount` tokens to the bucket, up to `capacity`; the tokens now in it. */
  refillTokens(key: string, amount: number, capacity: number): MaybePromise<number>;

  /**
   * Adds `amount` to the current window of `key` if the total stays within `window.limit`:
   * the reservation, or `undefined` (and nothing added) when it does not fit.
   */
  reserve(key: string, amount: number, window: WindowOptions): MaybePromise<Reservation | undefined>;

  /**
   * Corrects a reservation to what was really used: `actual` replaces `reservation.amount` in the
   * window it was made in (0 releases it). Settle each reservation once; a no-op once its window
   * is over.
   */
  settle(reservation: Reservation, actual: number): MaybePromise<void>;

  /** The total of the current window of `key` (0 when empty). */
  readWindow(key: string, windowMs: number): MaybePromise<number>;
}
