/**
 * A tokens-per-day quota. Unlike the per-minute buckets it does not refill gradually: it counts
 * every token of the current window and is empty until the window ends, which is why Bedrock's
 * "Too many tokens per day" is worth no retry. Windows start at multiples of `dayMs` since the
 * epoch (UTC midnight for a real day), or when {@link DailyTokens.newDay} is called.
 */
export class DailyTokens {
  private used = 0;
  private window: number;
  constructor(
    readonly limit: number,
    private readonly dayMs: number,
    now: number,
    /** Start of some window: 0 (the epoch), or when a new day was forced; windows of `dayMs` follow. */
    private anchor = 0,
  ) {
    this.window = this.windowAt(now);
  }

  /** Tokens left in the current window. */
  available(now: number): number {
    this.roll(now);
    return this.limit - this.used;
  }

  /** Counts `amount` tokens (negative to give some back, as a reservation is corrected). */
  add(amount: number, now: number): void {
    this.roll(now);
    this.used = Math.max(0, this.used + amount);
  }

  /** Tokens counted in the current window. */
  usedToday(now: number): number {
    this.roll(now);
    return this.used;
  }

  /** When the current window ends (ms since the epoch). */
  resetsAt(now: number): number {
    this.roll(now);
    return this.anchor + (this.window + 1) * this.dayMs;
  }

  /** Starts a new window now, as if the day had ended. */
  newDay(now: number): void {
    this.anchor = now;
    this.window = 0;
    this.used = 0;
  }

  private windowAt(now: number): number {
    return Math.floor((now - this.anchor) / this.dayMs);
  }

  private roll(now: number): void {
    const window = this.windowAt(now);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
  }
}
