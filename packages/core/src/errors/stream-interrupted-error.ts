import type { EndpointRef } from '../chain/endpoint.js';
import type { Attempt } from './attempt.js';
import { BedrockHAError } from './bedrock-ha-error.js';
import { describeCause, errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('StreamInterruptedError');

/**
 * A stream failed after content had reached the caller, so it could not fail over silently.
 * `partialText` is the text delivered so far; resend it as a final assistant message to continue
 * (what the chain's `resume` option does by itself).
 */
export class StreamInterruptedError extends BedrockHAError {
  override readonly name = 'StreamInterruptedError';
  readonly [MARK] = true;

  constructor(
    chain: string,
    readonly partialText: string,
    readonly servedBy: EndpointRef,
    attempts: readonly Attempt[],
    cause: unknown,
  ) {
    super(
      `The stream from ${servedBy.endpointId} on chain "${chain}" broke after ${partialText.length} characters: ${describeCause(cause)}`,
      chain,
      attempts,
      { cause },
    );
  }

  /** True for a StreamInterruptedError from any copy of this package. */
  static override isInstance(error: unknown): error is StreamInterruptedError {
    return hasMarker(error, MARK);
  }
}
