import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('IncompleteStreamError');

/** A stream ended without its final event: the connection closed early. */
export class IncompleteStreamError extends Error {
  override readonly name = 'IncompleteStreamError';
  readonly [MARK] = true;

  constructor() {
    super('The stream ended before its final event');
  }

  /** True for a IncompleteStreamError from any copy of this package. */
  static isInstance(error: unknown): error is IncompleteStreamError {
    return hasMarker(error, MARK);
  }
}
