import { describe, expect, it } from 'vitest';
import { LearnedLimit } from './learned-limit.js';

describe('LearnedLimit', () => {
  it('knows nothing until a throttle, then cuts to the use times the decrease', () => {
    const limit = new LearnedLimit({ decrease: 0.5 });
    limit.succeeded(100);
    expect(limit.limit).toBeUndefined();
    limit.throttled(1_000, 0, 10);
    expect(limit.limit).toBe(500);
  });

  it('cuts once for a burst of throttles of calls admitted before the cut', () => {
    const limit = new LearnedLimit({ decrease: 0.5 });
    limit.throttled(1_000, 0, 10);
    limit.throttled(1_000, 5, 11);
    expect(limit.limit).toBe(500);
    // A later throttle of the burst sees less use once the others are released.
    limit.throttled(600, 5, 12);
    expect(limit.limit).toBe(300);
    // A call admitted after the cut that still throttles cuts again.
    limit.throttled(1_000, 20, 30);
    expect(limit.limit).toBe(150);
  });

  it('raises the limit by a fraction of each success, up to the ceiling', () => {
    const limit = new LearnedLimit({ decrease: 0.5, increase: 0.1, ceiling: 520 });
    limit.throttled(1_000, 0, 10);
    limit.succeeded(100);
    expect(limit.limit).toBe(510);
    limit.succeeded(100);
    limit.succeeded(100);
    expect(limit.limit).toBe(520);
  });

  it('rejects a decrease outside (0, 1) at construction', () => {
    expect(() => new LearnedLimit({ decrease: 1.5 })).toThrow(RangeError);
  });
});
