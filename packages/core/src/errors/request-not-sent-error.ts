import type { Attempt } from './attempt.js';
import { BedrockHAError } from './bedrock-ha-error.js';
import { describeCause, errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('RequestNotSentError');

/**
 * The request failed in this process before it was sent: the AWS SDK (or Node) could not build it
 * from its content, e.g. JSON nested thousands of levels deep in a tool schema, a tool's input or
 * `additionalModelRequestFields`. No endpoint saw it, none is blamed, and none is tried after it:
 * each would meet the same error. `cause` is the original error.
 */
export class RequestNotSentError extends BedrockHAError {
  override readonly name = 'RequestNotSentError';
  readonly [MARK] = true;

  constructor(chain: string, attempts: readonly Attempt[], cause: unknown) {
    super(
      `The request to chain "${chain}" could not be sent: building it failed in this process (${describeCause(cause)}), so no endpoint was called; fix the request's content, e.g. JSON nested too deeply.`,
      chain,
      attempts,
      { cause },
    );
  }

  /** True for a RequestNotSentError from any copy of this package. */
  static override isInstance(error: unknown): error is RequestNotSentError {
    return hasMarker(error, MARK);
  }
}
