import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('FirstTokenTimeoutError');

/** A stream sent no content within `timeouts.firstTokenMs`. */
export class FirstTokenTimeoutError extends Error {
  override readonly name = 'FirstTokenTimeoutError';
  readonly [MARK] = true;

  constructor(readonly timeoutMs: number) {
    super(`No content arrived within ${Math.round(timeoutMs)} ms of the stream's start`);
  }

  /** True for a FirstTokenTimeoutError from any copy of this package. */
  static isInstance(error: unknown): error is FirstTokenTimeoutError {
    return hasMarker(error, MARK);
  }
}
