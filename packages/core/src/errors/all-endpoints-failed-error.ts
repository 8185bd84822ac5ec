import { type Attempt, summarizeAttempts } from './attempt.js';
import { BedrockHAError } from './bedrock-ha-error.js';
import { errorMarker, hasMarker } from './error-marker.js';

const MARK = errorMarker('AllEndpointsFailedError');

/**
 * Why every endpoint failed, from the attempts that reached one (skips do not count):
 * - `all-throttled`: every endpoint called answered with throttling; the caller should back off
 *   and retry later (a gateway answers 429).
 * - `all-unavailable`: every endpoint called failed for another reason (server error, timeout,
 *   network, no access, model not ready): an outage of the whole chain (a gateway answers 503).
 * - `mixed`: some endpoints throttled and others failed otherwise.
 * - `all-skipped`: no endpoint was called: each was skipped, its breaker open or its bulkhead full.
 */
export type AllEndpointsFailedReason = 'all-throttled' | 'all-unavailable' | 'mixed' | 'all-skipped';

/**
 * Every endpoint of the chain failed or was skipped. `reason` sums up why, `errors` holds each
 * failed attempt's error in order, and `lastError` (also `cause`) is the last of them.
 */
export class AllEndpointsFailedError extends BedrockHAError {
  override readonly name = 'AllEndpointsFailedError';
  readonly [MARK] = true;
  /** Why every endpoint failed; see {@link AllEndpointsFailedReason}. */
  readonly reason: AllEndpointsFailedReason;
  /** The error of each failed attempt, in the order they happened (skips have none). */
  readonly errors: readonly unknown[];
  /** The last error: what the last endpoint tried failed with. */
  readonly lastError: unknown;

  constructor(chain: string, attempts: readonly Attempt[], lastError: unknown, errors?: readonly unknown[]) {
    super(`Every endpoint of chain "${chain}" failed: ${summarizeAttempts(attempts)}`, chain, attempts, {
      cause: lastError,
    });
    this.reason = failedReason(attempts);
    this.errors = errors ?? (lastError === undefined ? [] : [lastError]);
    this.lastError = lastError;
  }

  /** True for an AllEndpointsFailedError from any copy of this package. */
  static override isInstance(error: unknown): error is AllEndpointsFailedError {
    return hasMarker(error, MARK);
  }
}

function failedReason(attempts: readonly Attempt[]): AllEndpointsFailedReason {
  const failed = attempts.filter((attempt) => attempt.outcome === 'failure');
  if (failed.length === 0) return 'all-skipped';
  const throttled = failed.filter((attempt) => attempt.reason === 'throttled').length;
  if (throttled === failed.length) return 'all-throttled';
  return throttled === 0 ? 'all-unavailable' : 'mixed';
}
