import { windowStart } from '../state/memory-state-store.js';
import type { MaybePromise, Reservation, StateStore } from '../state/state-store.js';

interface Seen {
  start: number;
  total: number;
}

/**
 * A sliding-window counter over the {@link StateStore}'s fixed windows: the use of the last
 * `windowMs` is the current window's total plus the previous window's, weighted by how much of
 * it still overlaps (Cloudflare's approximation). Bedrock's per-minute quotas refill
 * continuously; a fixed window would admit two windows' worth around each boundary, this does
 * not. The store adds and checks atomically (so a shared store holds a fleet to one limit); the
 * previous window's total is the one this instance last saw, corrected by its own settlements.
 */
export class SlidingWindow {
  private current: Seen | undefined;
  private previous: Seen | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    readonly windowMs: number,
    private readonly now: () => number,
    /** false: a plain fixed window (the day's count). */
    private readonly sliding = true,
  ) {}

  /** The use over the last `windowMs`, as last seen. */
  used(): number {
    const now = this.now();
    const start = windowStart(now, this.windowMs);
    this.roll(start);
    return (this.current?.total ?? 0) + this.previousWeight(now, start);
  }

  /**
   * Adds `amount` when the window's use stays within `limit` (no limit: always), or answers
   * `undefined`. With `atLeastOne`, a reservation larger than the room left still fits an
   * empty window, so that a limit lower than one request does not lock the endpoint out.
   */
  reserve(
    amount: number,
    limit: number | undefined,
    atLeastOne = false,
  ): MaybePromise<Reservation | undefined> {
    const now = this.now();
    const start = windowStart(now, this.windowMs);
    this.roll(start);
    let room = limit === undefined ? undefined : limit - this.previousWeight(now, start);
    if (room !== undefined && atLeastOne && room < amount) room = amount;
    const reserved = this.store.reserve(this.key, amount, {
      windowMs: this.windowMs,
      ...(room !== undefined && { limit: room }),
    });
    if (reserved instanceof Promise) return reserved.then((value) => this.saw(value));
    return this.saw(reserved);
  }

  /** Corrects a reservation to `actual` (0 releases it), in the store and in what was seen. */
  settle(reservation: Reservation, actual: number): MaybePromise<void> {
    const seen = [this.current, this.previous].find((each) => each?.start === reservation.windowStart);
    if (seen) seen.total = Math.max(0, seen.total + actual - reservation.amount);
    return this.store.settle(reservation, actual);
  }

  private saw(reservation: Reservation | undefined): Reservation | undefined {
    if (reservation) {
      this.roll(reservation.windowStart);
      if (this.current?.start === reservation.windowStart) this.current.total = reservation.total;
    }
    return reservation;
  }

  private previousWeight(now: number, start: number): number {
    if (!this.sliding || this.previous?.start !== start - this.windowMs) return 0;
    return this.previous.total * (1 - (now - start) / this.windowMs);
  }

  /** Moves the seen windows on to the one starting at `start`. */
  private roll(start: number): void {
    if (this.current?.start === start) return;
    if (this.current && this.current.start > start) return;
    this.previous = this.current?.start === start - this.windowMs ? this.current : undefined;
    this.current = { start, total: 0 };
  }
}
