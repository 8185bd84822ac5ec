import type { Quota } from './options.js';

/** Why a request was refused capacity; Bedrock words each one differently. */
export type ThrottleReason = 'requests' | 'tokens' | 'concurrency';

/** The outcome of asking for capacity. */
export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: ThrottleReason };

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
    this.level = Math.min(this.size, this.level + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    return this.level;
  }

  take(amount: number): void {
    this.level -= amount;
  }
}

/** Capacity of one endpoint: requests/min, tokens/min and concurrency, each optional. */
export class RateLimiter {
  private readonly requests?: TokenBucket;
  private readonly tokens?: TokenBucket;
  private inFlight = 0;

  constructor(
    private readonly quota: Quota,
    now: number,
  ) {
    const burst = quota.burstSeconds ?? 60;
    if (quota.requestsPerMinute !== undefined)
      this.requests = new TokenBucket(quota.requestsPerMinute, burst, now);
    if (quota.tokensPerMinute !== undefined) this.tokens = new TokenBucket(quota.tokensPerMinute, burst, now);
  }

  /** Admits a request costing `tokens` if every limit has room, taking from all of them at once. */
  tryAcquire(tokens: number, now: number): Admission {
    if (this.quota.maxConcurrent !== undefined && this.inFlight >= this.quota.maxConcurrent) {
      return { admitted: false, reason: 'concurrency' };
    }
    if (this.requests && this.requests.available(now) < 1) return { admitted: false, reason: 'requests' };
    if (this.tokens && this.tokens.available(now) < tokens) return { admitted: false, reason: 'tokens' };
    this.requests?.take(1);
    this.tokens?.take(tokens);
    this.inFlight += 1;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
      },
    };
  }

  /** Remaining capacity now, for stats. */
  snapshot(now: number): { requests?: number; tokens?: number; inFlight: number } {
    return {
      ...(this.requests && { requests: Math.floor(this.requests.available(now)) }),
      ...(this.tokens && { tokens: Math.floor(this.tokens.available(now)) }),
      inFlight: this.inFlight,
    };
  }
}

/** Every endpoint's limiter, created on first use. */
export class CapacityRegistry {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly now: () => number) {}

  /** The limiter for `key`, created with `quota()` the first time. */
  limiter(key: string, quota: () => Quota): RateLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter(quota(), this.now());
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

  /** Remaining capacity of every limiter in use. */
  snapshot(): Record<string, ReturnType<RateLimiter['snapshot']>> {
    const now = this.now();
    return Object.fromEntries([...this.limiters].map(([key, limiter]) => [key, limiter.snapshot(now)]));
  }
}

/** The message Bedrock sends with each kind of throttle. */
export function throttleMessage(reason: ThrottleReason): string {
  switch (reason) {
    case 'tokens':
      return 'Too many tokens, please wait before trying again.';
    case 'concurrency':
      return 'Too many concurrent requests, please wait before trying again.';
    default:
      return 'Too many requests, please wait before trying again.';
  }
}
