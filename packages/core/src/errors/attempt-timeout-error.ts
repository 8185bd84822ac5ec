import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('AttemptTimeoutError');

/** One attempt took longer than its timeout (`timeouts.attemptMs`, capped by the deadline). */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  readonly [MARK] = true;

  constructor(readonly timeoutMs: number) {
    super(`The attempt timed out after ${Math.round(timeoutMs)} ms`);
  }

  /** True for a AttemptTimeoutError from any copy of this package. */
  static isInstance(error: unknown): error is AttemptTimeoutError {
    return hasMarker(error, MARK);
  }
}
