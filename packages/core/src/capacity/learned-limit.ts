/** Options of {@link LearnedLimit}. */
export interface LearnedLimitOptions {
  /** The limit is multiplied by this after a throttle (default 0.7). */
  readonly decrease?: number;
  /** Each success raises the limit by this fraction of its reservation (default 0.05). */
  readonly increase?: number;
  /** The limit never rises above this (a declared figure); `undefined`: no ceiling. */
  readonly ceiling?: number | undefined;
}

/**
 * An endpoint's rate learned from its throttles, additive increase and multiplicative decrease
 * (as TCP's congestion window): unknown until the first throttle, then the use at that moment
 * times `decrease`; each success adds a little. A burst of throttles from calls admitted before
 * the last decrease cuts the limit once, not once per call; later ones of the burst only bring it
 * down to the use left once they are released (times `decrease`), which the first could not see.
 */
export class LearnedLimit {
  private value: number | undefined;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly decrease: number;
  private readonly increase: number;

  constructor(private readonly options: LearnedLimitOptions = {}) {
    this.decrease = options.decrease ?? 0.7;
    this.increase = options.increase ?? 0.05;
    if (!(this.decrease > 0 && this.decrease < 1)) throw new RangeError('decrease must be between 0 and 1');
    if (!(this.increase >= 0)) throw new RangeError('increase must be 0 or more');
  }

  /** The learned limit per window, or `undefined` before the first throttle. */
  get limit(): number | undefined {
    return this.value;
  }

  /**
   * A call admitted at `admittedAt` was throttled; the window holds `used` without it. The first
   * throttle since the last decrease cuts the limit by `decrease`; any throttle brings it down
   * to `used` x `decrease` at most.
   */
  throttled(used: number, admittedAt: number, now: number): void {
    let limit = this.value ?? Number.POSITIVE_INFINITY;
    if (admittedAt >= this.lastDecreaseAt) {
      this.lastDecreaseAt = now;
      limit *= this.decrease;
    }
    this.value = Math.max(1, Math.floor(Math.min(limit, used * this.decrease)));
  }

  /** A call that reserved `amount` succeeded: raise the limit a little (up to the ceiling). */
  succeeded(amount: number): void {
    if (this.value === undefined) return;
    this.value = Math.min(
      this.options.ceiling ?? Number.POSITIVE_INFINITY,
      this.value + amount * this.increase,
    );
  }
}
