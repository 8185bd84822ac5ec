import type { Attempt } from './attempt.js';
import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('BedrockHAError');

/** Base of the errors bedrock-ha raises itself; each says which chain and lists its attempts. */
export abstract class BedrockHAError extends Error {
  readonly [MARK] = true;

  constructor(
    message: string,
    /** The chain the request named. */
    readonly chain: string,
    /** Every attempt, in order, skipped ones included. */
    readonly attempts: readonly Attempt[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True for a BedrockHAError from any copy of this package (`instanceof` fails across copies). */
  static isInstance(error: unknown): error is BedrockHAError {
    return hasMarker(error, MARK);
  }
}
