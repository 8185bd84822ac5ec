import type { Quota } from './options.js';
import { DailyTokens } from './quota/daily-tokens.js';

/** Why a request was refused capacity; Bedrock words each one differently. */
export type ThrottleReason = 'requests' | 'tokens' | 'tokens-per-day' | 'concurrency';

/**
 * An admitted request's hold on capacity. `release(actualTokens)` ends it and corrects the tokens
 * reserved at admission to the tokens actually used (input + output), giving back the difference
 * to the per-minute bucket and the day's count; without `actualTokens` the reservation stands.
 */
export type Admission =
  | { admitted: true; reserved: number; release: (actualTokens?: number, now?: number) => void }
  | { admitted: false; reason: ThrottleReason };

/** How many seconds of its rate a bucket holds when `burstSeconds` is not set: a minute's worth. */
export const DEFAULT_BURST_SECONDS = 60;

/**
 * A continuously refilling bucket: `perMinute` units a minute, holding at most
 * `perMinute * burstSeconds / 60`. A minute's quota can be spent at once, then refills smoothly,
 * which is how Bedrock's per-minute quotas behave under load.
 */
class TokenBucket {
  private level: number;
  private updatedAt: number;
  private readonly size: number;
  private readonly perMs: number;

  constructor(perMinute: number, burstSeconds: number, now: number) {
    this.perMs = perMinute / 60_000;
    this.size = (perMinute * burstSeconds) / 60;
    this.level = this.size;
    this.updatedAt = now;
  }

  available(now: number): number {
    // A clock read before the bucket was made must not drain it: time only moves forward here.
    if (now > this.updatedAt) {
      this.level = Math.min(this.size, this.level + (now - this.updatedAt) * this.perMs);
      this.updatedAt = now;
    }
    return this.level;
  }

  /** Takes `amount` (negative gives back, never above the bucket's size). */
  take(amount: number): void {
    this.level = Math.min(this.size, this.level - amount);
  }
}

/** Capacity of one endpoint: requests/min, tokens/min, tokens/day and concurrency, each optional. */
export class RateLimiter {
  private readonly requests?: TokenBucket;
  private readonly tokens?: TokenBucket;
  private readonly daily?: DailyTokens;
  private inFlight = 0;
  private reservedNow = 0;
  private usedTokens = 0;
  private readonly throttled: Partial<Record<ThrottleReason, number>> = {};

  constructor(
    private readonly quota: Quota,
    now: number,
    dayMs = 86_400_000,
    dayAnchor = 0,
  ) {
    const burst = quota.burstSeconds ?? DEFAULT_BURST_SECONDS;
    if (quota.requestsPerMinute !== undefined)
      this.requests = new TokenBucket(quota.requestsPerMinute, burst, now);
    if (quota.tokensPerMinute !== undefined) this.tokens = new TokenBucket(quota.tokensPerMinute, burst, now);
    if (quota.tokensPerDay !== undefined)
      this.daily = new DailyTokens(quota.tokensPerDay, dayMs, now, dayAnchor);
  }

  /**
   * Admits a request reserving `tokens` if every limit has room, taking from all of them at once.
   * The day's quota is checked first: when it is spent, no per-minute room helps.
   */
  tryAcquire(tokens: number, now: number): Admission {
    const reason = this.refusal(tokens, now);
    if (reason !== undefined) {
      this.throttled[reason] = (this.throttled[reason] ?? 0) + 1;
      return { admitted: false, reason };
    }
    this.requests?.take(1);
    this.tokens?.take(tokens);
    this.daily?.add(tokens, now);
    this.inFlight += 1;
    this.reservedNow += tokens;
    let released = false;
    return {
      admitted: true,
      reserved: tokens,
      release: (actualTokens, settledAt = now) => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.reservedNow -= tokens;
        const used = actualTokens ?? tokens;
        this.usedTokens += used;
        // The correction Bedrock makes at settlement: unused reservation comes back (or, past it, more is taken).
        this.tokens?.take(used - tokens);
        this.daily?.add(used - tokens, settledAt);
      },
    };
  }

  /** Starts a new daily window now. */
  newDay(now: number): void {
    this.daily?.newDay(now);
  }

  /** Remaining capacity now and the tokens reserved and used, for stats. */
  snapshot(now: number): CapacitySnapshot {
    return {
      ...(this.requests && { requests: Math.floor(this.requests.available(now)) }),
      ...(this.tokens && { tokens: Math.floor(this.tokens.available(now)) }),
      ...(this.daily && {
        tokensToday: this.daily.usedToday(now),
        tokensPerDay: this.daily.limit,
        dayResetsAt: new Date(this.daily.resetsAt(now)).toISOString(),
      }),
      inFlight: this.inFlight,
      reservedTokens: this.reservedNow,
      usedTokens: this.usedTokens,
      throttled: { ...this.throttled },
    };
  }

  private refusal(tokens: number, now: number): ThrottleReason | undefined {
    if (this.quota.maxConcurrent !== undefined && this.inFlight >= this.quota.maxConcurrent)
      return 'concurrency';
    if (this.daily && this.daily.available(now) < tokens) return 'tokens-per-day';
    if (this.requests && this.requests.available(now) < 1) return 'requests';
    if (this.tokens && this.tokens.available(now) < tokens) return 'tokens';
    return undefined;
  }
}

/** An endpoint's capacity as `sim.capacity()` reports it. */
export interface CapacitySnapshot {
  /** Requests left in the per-minute bucket. */
  requests?: number;
  /** Tokens left in the per-minute bucket. */
  tokens?: number;
  /** Tokens counted in the current daily window, the daily limit, and when the window ends. */
  tokensToday?: number;
  tokensPerDay?: number;
  dayResetsAt?: string;
  /** Requests admitted and not yet settled. */
  inFlight: number;
  /** Tokens held by those requests' reservations. */
  reservedTokens: number;
  /** Tokens (input + output) of settled requests since the last reset. */
  usedTokens: number;
  /** Refused requests, by reason. */
  throttled: Partial<Record<ThrottleReason, number>>;
}

/** Every endpoint's limiter, created on first use. */
export class CapacityRegistry {
  private readonly limiters = new Map<string, RateLimiter>();
  /** Where daily windows start: the epoch, until `newDay` starts one now. */
  private dayAnchor = 0;

  constructor(
    private readonly now: () => number,
    private readonly dayMs = 86_400_000,
  ) {}

  /** The limiter for `key`, created with `quota()` the first time. */
  limiter(key: string, quota: () => Quota): RateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter(quota(), this.now(), this.dayMs, this.dayAnchor);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /** Forgets one limiter (a deleted or changed Provisioned Throughput). */
  forget(key: string): void {
    this.limiters.delete(key);
  }

  /** Refills every limiter, as after a long quiet period. */
  reset(): void {
    this.limiters.clear();
  }

  /** Starts a new daily window for every limiter: tokens-per-day counts go back to zero. */
  newDay(): void {
    const now = this.now();
    this.dayAnchor = now;
    for (const limiter of this.limiters.values()) limiter.newDay(now);
  }

  /** Remaining capacity of every limiter in use. */
  snapshot(): Record<string, CapacitySnapshot> {
    const now = this.now();
    return Object.fromEntries([...this.limiters].map(([key, limiter]) => [key, limiter.snapshot(now)]));
  }
}

/** The message Bedrock sends with each kind of throttle. */
export function throttleMessage(reason: ThrottleReason): string {
  switch (reason) {
    case 'tokens':
      return 'Too many tokens, please wait before trying again.';
    case 'tokens-per-day':
      return 'Too many tokens per day, please wait before trying again.';
    case 'concurrency':
      return 'Too many concurrent requests, please wait before trying again.';
    default:
      return 'Too many requests, please wait before trying again.';
  }
}
