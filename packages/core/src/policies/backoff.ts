import { ExponentialBackoff, type IBackoffFactory } from 'cockatiel';

/** A source of uniform random numbers in [0, 1); injectable so tests can seed it. */
export type Random = () => number;

/**
 * Capped exponential backoff with full jitter: the n-th retry waits a random time in
 * [0, min(maxDelayMs, baseDelayMs * 2^n)) ("Exponential Backoff and Jitter", AWS Architecture
 * Blog). Built on cockatiel's ExponentialBackoff with a generator that takes our random source,
 * where cockatiel's own `fullJitterGenerator` calls Math.random.
 */
export function fullJitterBackoff(
  options: { baseDelayMs: number; maxDelayMs: number },
  random: Random = Math.random,
): IBackoffFactory<unknown> {
  return new ExponentialBackoff<number>({
    initialDelay: options.baseDelayMs,
    maxDelay: options.maxDelayMs,
    exponent: 2,
    generator: (attempts = 0, { initialDelay, maxDelay, exponent }) => {
      const cap = Math.min(maxDelay, initialDelay * exponent ** attempts);
      return [Math.floor(random() * cap), attempts + 1];
    },
  });
}
