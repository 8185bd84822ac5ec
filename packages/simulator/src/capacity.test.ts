import { describe, expect, it } from 'vitest';
import { CapacityRegistry, RateLimiter } from './capacity.js';

describe('RateLimiter', () => {
  it('admits a minute of tokens at once, then refills continuously', () => {
    const limiter = new RateLimiter({ tokensPerMinute: 600 }, 0);
    expect(limiter.tryAcquire(600, 0).admitted).toBe(true);
    expect(limiter.tryAcquire(1, 0)).toEqual({ admitted: false, reason: 'tokens' });
    // 600/min = 10 tokens/s: after 1 s there is room for 10 tokens, not 11.
    expect(limiter.tryAcquire(11, 1_000).admitted).toBe(false);
    expect(limiter.tryAcquire(10, 1_000).admitted).toBe(true);
  });

  it('bounds the burst by burstSeconds', () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60, burstSeconds: 2 }, 0);
    expect(limiter.tryAcquire(1, 0).admitted).toBe(true);
    expect(limiter.tryAcquire(1, 0).admitted).toBe(true);
    expect(limiter.tryAcquire(1, 0)).toEqual({ admitted: false, reason: 'requests' });
    // A long quiet period refills to the burst size, not beyond it.
    for (let index = 0; index < 2; index++) expect(limiter.tryAcquire(1, 600_000).admitted).toBe(true);
    expect(limiter.tryAcquire(1, 600_000).admitted).toBe(false);
  });

  it('throttles past maxConcurrent until a request is released', () => {
    const limiter = new RateLimiter({ maxConcurrent: 1 }, 0);
    const first = limiter.tryAcquire(1, 0);
    expect(limiter.tryAcquire(1, 0)).toEqual({ admitted: false, reason: 'concurrency' });
    if (!first.admitted) throw new Error('first request should be admitted');
    first.release();
    first.release(); // releasing twice frees one slot, not two
    expect(limiter.tryAcquire(1, 0).admitted).toBe(true);
    expect(limiter.tryAcquire(1, 0).admitted).toBe(false);
  });

  it('takes nothing from any limit when one of them refuses', () => {
    const limiter = new RateLimiter({ requestsPerMinute: 60, tokensPerMinute: 60, burstSeconds: 60 }, 0);
    expect(limiter.tryAcquire(100, 0).admitted).toBe(false);
    expect(limiter.snapshot(0)).toEqual({
      requests: 60,
      tokens: 60,
      inFlight: 0,
      reservedTokens: 0,
      usedTokens: 0,
      throttled: { tokens: 1 },
    });
  });
});

describe('CapacityRegistry', () => {
  it('creates one limiter per key and refills all on reset', () => {
    let now = 0;
    const registry = new CapacityRegistry(() => now);
    const quota = () => ({ requestsPerMinute: 1 });
    expect(registry.limiter('a', quota).tryAcquire(1, now).admitted).toBe(true);
    expect(registry.limiter('a', quota).tryAcquire(1, now).admitted).toBe(false);
    expect(registry.limiter('b', quota).tryAcquire(1, now).admitted).toBe(true);
    now = 10;
    expect(Object.keys(registry.snapshot())).toEqual(['a', 'b']);
    registry.reset();
    expect(registry.limiter('a', quota).tryAcquire(1, now).admitted).toBe(true);
  });
});

describe('RateLimiter reservations', () => {
  it('corrects a reservation to the tokens used when it is released', () => {
    const limiter = new RateLimiter({ tokensPerMinute: 1_000, tokensPerDay: 5_000 }, 0);
    const admission = limiter.tryAcquire(900, 0);
    if (!admission.admitted) throw new Error('should be admitted');
    expect(limiter.snapshot(0)).toMatchObject({ tokens: 100, reservedTokens: 900, tokensToday: 900 });
    admission.release(300, 0);
    expect(limiter.snapshot(0)).toMatchObject({
      tokens: 700,
      reservedTokens: 0,
      usedTokens: 300,
      tokensToday: 300,
    });
  });

  it('refuses with tokens-per-day before the per-minute limits once the day is spent', () => {
    const limiter = new RateLimiter({ tokensPerMinute: 1_000, tokensPerDay: 1_000 }, 0);
    for (let minute = 0; minute < 2; minute++) {
      const admission = limiter.tryAcquire(500, minute * 60_000);
      if (!admission.admitted) throw new Error('should be admitted');
      admission.release();
    }
    expect(limiter.tryAcquire(1, 120_000)).toEqual({ admitted: false, reason: 'tokens-per-day' });
  });
});

describe('TokenBucket clock', () => {
  it('does not drain a bucket when asked with a time before it was made', () => {
    const limiter = new RateLimiter({ requestsPerMinute: 3 }, 1_000);
    for (let index = 0; index < 3; index++) expect(limiter.tryAcquire(1, 999).admitted).toBe(true);
  });
});
