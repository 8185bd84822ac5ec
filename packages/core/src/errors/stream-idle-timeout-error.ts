import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('StreamIdleTimeoutError');

/** A stream went silent for longer than `timeouts.idleMs`. */
export class StreamIdleTimeoutError extends Error {
  override readonly name = 'StreamIdleTimeoutError';
  readonly [MARK] = true;

  constructor(readonly timeoutMs: number) {
    super(`The stream sent nothing for ${Math.round(timeoutMs)} ms`);
  }

  /** True for a StreamIdleTimeoutError from any copy of this package. */
  static isInstance(error: unknown): error is StreamIdleTimeoutError {
    return hasMarker(error, MARK);
  }
}
