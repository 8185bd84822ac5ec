import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('UnknownChainError');

/** A request named a chain the configuration does not have. */
export class UnknownChainError extends Error {
  override readonly name = 'UnknownChainError';
  readonly [MARK] = true;

  constructor(
    readonly chain: string,
    known: readonly string[],
  ) {
    super(`No chain is named "${chain}"; the configuration has: ${known.join(', ')}`);
  }

  /** True for a UnknownChainError from any copy of this package. */
  static isInstance(error: unknown): error is UnknownChainError {
    return hasMarker(error, MARK);
  }
}
