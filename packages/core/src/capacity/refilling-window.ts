import { windowStart } from '../state/memory-state-store.js';
import type { MaybePromise, Reservation, StateStore } from '../state/state-store.js';

interface Seen {
  start: number;
  total: number;
}

/**
 * One capacity window of an endpoint, counted in the {@link StateStore}'s fixed windows and
 * admitted as a token bucket: `limit` tokens that refill continuously at `limit` per `windowMs`,
 * as Bedrock's per-minute quotas do (a minute's quota can be spent at once, then refills). A plain
 * count of the last window would keep a request's tokens for a whole window after it was served;
 * the bucket gives them back as time passes, so a saturated endpoint stays near its full rate.
 *
 * The store adds and checks atomically, so a shared store holds a fleet to one figure: the bucket's
 * level is this instance's reckoning (from the totals the store answers and the time since), and
 * whatever other instances added since counts in full against it. Tokens of a reservation
 * corrected after its fixed window ended come back here only (the store has moved on).
 */
export class RefillingWindow {
  private current: Seen | undefined;
  private previous: Seen | undefined;
  /** Tokens drawn from the bucket and not yet refilled, as of `drainedAt`. */
  private drained = 0;
  private drainedAt = 0;

  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    readonly windowMs: number,
    private readonly now: () => number,
    /** false: a plain fixed window, nothing refills until it ends (the day's count). */
    private readonly refilling = true,
  ) {}

  /** The use over the last `windowMs` (the previous window weighted by its overlap), as last seen. */
  used(): number {
    const now = this.now();
    const start = windowStart(now, this.windowMs);
    this.roll(start);
    const previous = this.previous?.start === start - this.windowMs ? this.previous.total : 0;
    return (this.current?.total ?? 0) + previous * (1 - (now - start) / this.windowMs);
  }

  /**
   * Adds `amount` when it fits the bucket of `limit` tokens (no limit: always), or answers
   * `undefined`. With `atLeastOne`, a full bucket admits one reservation larger than it, so that a
   * limit below one request does not lock the endpoint out.
   */
  reserve(
    amount: number,
    limit: number | undefined,
    atLeastOne = false,
  ): MaybePromise<Reservation | undefined> {
    const now = this.now();
    const start = windowStart(now, this.windowMs);
    this.roll(start);
    const seen = this.current?.total ?? 0;
    let room: number | undefined;
    if (limit !== undefined) {
      const drained = this.drainedAt === 0 ? 0 : this.level(now, limit);
      room = limit - drained;
      if (atLeastOne && room < amount && drained === 0) room = amount;
    }
    // A bucket spans window boundaries: what others added at the end of the last window, after
    // this instance last looked, has drawn on it too, less what has refilled since.
    const previousSeen =
      limit !== undefined && this.refilling
        ? this.previousSeen(start) + this.refilledSince(start, now, limit)
        : undefined;
    const reserved = this.store.reserve(this.key, amount, {
      windowMs: this.windowMs,
      ...(room !== undefined && { limit: seen + room }),
      ...(previousSeen !== undefined && { previousSeen }),
    });
    const saw = (reservation: Reservation | undefined) => this.saw(reservation, seen, now, limit);
    return reserved instanceof Promise ? reserved.then(saw) : saw(reserved);
  }

  /** The room left in a bucket of `limit` now, as this instance last saw it (no store round trip). */
  room(limit: number): number {
    const now = this.now();
    this.roll(windowStart(now, this.windowMs));
    return limit - (this.refilling && this.drainedAt === 0 ? 0 : this.level(now, limit));
  }

  /** Corrects a reservation to `actual` (0 releases it): in the store, the bucket and what was seen. */
  settle(reservation: Reservation, actual: number): MaybePromise<void> {
    const change = actual - reservation.amount;
    const seen = [this.current, this.previous].find((each) => each?.start === reservation.windowStart);
    if (seen) seen.total = Math.max(0, seen.total + change);
    this.drained = Math.max(0, this.drained + change);
    return this.store.settle(reservation, actual);
  }

  /**
   * The endpoint throttled although this bucket had room: its own bucket is empty now (our view ran
   * a few milliseconds ahead of it). Start refilling from empty, so the attempts that follow wait
   * for the refill instead of throttling one after another.
   */
  exhaust(limit: number): void {
    if (!this.refilling) return;
    const now = this.now();
    this.drained = Math.max(this.drainedAt === 0 ? 0 : this.level(now, limit), limit);
    this.drainedAt = now;
  }

  /** The bucket's deficit now: what was drawn, less what refilled since (none in a fixed window). */
  private level(now: number, limit: number): number {
    if (!this.refilling) return this.current?.total ?? 0;
    return Math.max(0, this.drained - ((now - this.drainedAt) * limit) / this.windowMs);
  }

  private saw(
    reservation: Reservation | undefined,
    seen: number,
    now: number,
    limit: number | undefined,
  ): Reservation | undefined {
    if (!reservation) return undefined;
    this.roll(reservation.windowStart);
    if (this.current?.start !== reservation.windowStart) return reservation;
    const added = Math.max(0, reservation.total - seen) + this.missedInPrevious(reservation, now, limit);
    this.current.total = reservation.total;
    // Everything added since last seen (by this instance or others) drew on the bucket. Without a
    // limit there is no refill rate: the last window's use stands in for the deficit.
    const before = this.drainedAt === 0 ? 0 : this.level(now, limit ?? 0);
    this.drained = limit === undefined ? this.used() : before + added;
    this.drainedAt = now;
    return reservation;
  }

  /**
   * What others added to the previous window after this instance last saw it, less what has
   * refilled since that window ended: with a shared store, the fleet's reservations at the end of
   * a window, which this instance (whose last look was earlier) would otherwise never count, and
   * then admit into a bucket already drained.
   */
  private missedInPrevious(reservation: Reservation, now: number, limit: number | undefined): number {
    const { previousTotal, windowStart: start } = reservation;
    if (previousTotal === undefined || limit === undefined || !this.refilling) return 0;
    const seen = this.previousSeen(start);
    this.previous = { start: start - this.windowMs, total: Math.max(seen, previousTotal) };
    return Math.max(0, previousTotal - seen - this.refilledSince(start, now, limit));
  }

  /** The previous window's total as this instance last saw it (0 when it did not look). */
  private previousSeen(start: number): number {
    return this.previous?.start === start - this.windowMs ? this.previous.total : 0;
  }

  /** What the bucket refilled between the window's `start` and `now`. */
  private refilledSince(start: number, now: number, limit: number): number {
    return (Math.max(0, now - start) * limit) / this.windowMs;
  }

  /** Moves the seen windows on to the one starting at `start`. */
  private roll(start: number): void {
    if (this.current && this.current.start >= start) return;
    this.previous = this.current?.start === start - this.windowMs ? this.current : undefined;
    this.current = { start, total: 0 };
  }
}
