const MARK = Symbol.for('bedrock-ha.lambda.InvalidEventError');

/**
 * The event a handler received is not one it serves, or is missing something. Lambda reports it
 * with `errorType: "InvalidEventError"`, so a Step Functions `Catch` can match it by name.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly [MARK] = true;

  /** True for an InvalidEventError from any copy of this package. */
  static isInstance(error: unknown): error is InvalidEventError {
    return typeof error === 'object' && error !== null && MARK in error;
  }
}
