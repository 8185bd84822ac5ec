import { type Attempt, summarizeAttempts } from './attempt.js';
import { BedrockHAError } from './bedrock-ha-error.js';
import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('DeadlineExceededError');

/** The request's deadline passed before any endpoint answered. */
export class DeadlineExceededError extends BedrockHAError {
  override readonly name = 'DeadlineExceededError';
  readonly [MARK] = true;

  constructor(
    chain: string,
    readonly deadlineMs: number,
    attempts: readonly Attempt[],
  ) {
    super(
      `Chain "${chain}" did not answer within its ${Math.round(deadlineMs)} ms deadline${
        attempts.length ? `: ${summarizeAttempts(attempts)}` : ''
      }`,
      chain,
      attempts,
    );
  }

  /** True for a DeadlineExceededError from any copy of this package. */
  static override isInstance(error: unknown): error is DeadlineExceededError {
    return hasMarker(error, MARK);
  }
}
