import { describe, expect, it } from 'vitest';
import { fullJitterBackoff, type Random } from './backoff.js';

/** A small seeded generator (mulberry32), so every run draws the same delays. */
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The first `count` delays of one request's retries. */
function delays(
  options: { baseDelayMs: number; maxDelayMs: number },
  random: Random,
  count: number,
): number[] {
  const out: number[] = [];
  let backoff = fullJitterBackoff(options, random).next(undefined);
  for (let retry = 0; retry < count; retry++) {
    out.push(backoff.duration);
    backoff = backoff.next(undefined);
  }
  return out;
}

const OPTIONS = { baseDelayMs: 100, maxDelayMs: 2_000 };
const capOf = (retry: number) => Math.min(OPTIONS.maxDelayMs, OPTIONS.baseDelayMs * 2 ** retry);

describe('full-jitter backoff (matrix #12)', () => {
  it('draws every one of 10,000 delays as an integer in [0, min(cap, base * 2^n))', () => {
    const random = seeded(12);
    const samples: number[][] = [];
    for (let request = 0; request < 1_250; request++) samples.push(delays(OPTIONS, random, 8));
    expect(samples.flat()).toHaveLength(10_000);
    for (const sequence of samples)
      for (const [retry, delay] of sequence.entries()) {
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(capOf(retry));
      }
  });

  it('spreads the delays over the whole range, not at its ends', () => {
    const random = seeded(99);
    for (let retry = 0; retry < 8; retry++) {
      const column = Array.from({ length: 2_000 }, () => delays(OPTIONS, random, retry + 1)[retry]!);
      const mean = column.reduce((sum, delay) => sum + delay, 0) / column.length;
      // Uniform on [0, cap): mean cap / 2, standard error cap / sqrt(12 * 2000) ~ 0.65% of cap.
      expect(Math.abs(mean - capOf(retry) / 2)).toBeLessThan(capOf(retry) * 0.03);
      expect(Math.min(...column)).toBeLessThan(capOf(retry) * 0.05);
      expect(Math.max(...column)).toBeGreaterThan(capOf(retry) * 0.95);
    }
  });

  it('caps the delay at maxDelayMs however many retries came before', () => {
    const random = seeded(3);
    const late = delays({ baseDelayMs: 100, maxDelayMs: 1_000 }, random, 40).slice(4);
    expect(late.every((delay) => delay < 1_000)).toBe(true);
    expect(Math.max(...late)).toBeGreaterThan(500);
  });

  it('does not synchronise two clients with different seeds', () => {
    const first = delays(OPTIONS, seeded(1), 1);
    const [a, b] = [seeded(1), seeded(2)].map((random) =>
      Array.from({ length: 1_000 }, () => delays(OPTIONS, random, 1)[0]!),
    );
    expect(a![0]).toBe(first[0]);
    // Same delay by chance about 1 in 100 (the range is 0..99); in lockstep it would be always.
    const same = a!.filter((delay, index) => delay === b![index]).length;
    expect(same).toBeLessThan(30);
    const meanA = a!.reduce((sum, delay) => sum + delay, 0) / a!.length;
    const meanB = b!.reduce((sum, delay) => sum + delay, 0) / b!.length;
    const covariance = a!.reduce((sum, delay, index) => sum + (delay - meanA) * (b![index]! - meanB), 0);
    const spread = (values: number[], mean: number) =>
      Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0));
    expect(Math.abs(covariance / (spread(a!, meanA) * spread(b!, meanB)))).toBeLessThan(0.1);
  });

  it('replays the same delays from the same seed', () => {
    expect(delays(OPTIONS, seeded(5), 6)).toEqual(delays(OPTIONS, seeded(5), 6));
  });

  it('waits nothing with a zero base delay', () => {
    expect(delays({ baseDelayMs: 0, maxDelayMs: 0 }, seeded(1), 5)).toEqual([0, 0, 0, 0, 0]);
  });
});
