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
 * - `unsupported`: no endpoint can serve this request as it is: each lacks something it needs
 *   (tools, images, a context window large enough...), or refused it as too long. The caller's to
 *   change (a gateway answers 400).
 */
export type AllEndpointsFailedReason =
  | 'all-throttled'
  | 'all-unavailable'
  | 'mixed'
  | 'all-skipped'
  | 'unsupported';

const UNSUPPORTED = new Set(['unsupported-capability', 'context-length']);

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
    const reason = failedReason(attempts);
    super(
      reason === 'unsupported'
        ? `No endpoint of chain "${chain}" can serve this request: ${summarizeAttempts(attempts)}. Remove what the endpoints lack from the request (or shorten it), add an endpoint whose model supports it, or correct the endpoints' capabilities in the config.`
        : `Every endpoint of chain "${chain}" failed: ${summarizeAttempts(attempts)}`,
      chain,
      attempts,
      { cause: lastError },
    );
    this.reason = reason;
    this.errors = errors ?? (lastError === undefined ? [] : [lastError]);
    this.lastError = lastError;
  }

  /** True for an AllEndpointsFailedError from any copy of this package. */
  static override isInstance(error: unknown): error is AllEndpointsFailedError {
    return hasMarker(error, MARK);
  }
}

function failedReason(attempts: readonly Attempt[]): AllEndpointsFailedReason {
  if (attempts.length > 0 && attempts.every((attempt) => UNSUPPORTED.has(attempt.reason ?? '')))
    return 'unsupported';
  const failed = attempts.filter((attempt) => attempt.outcome === 'failure');
  if (failed.length === 0) return 'all-skipped';
  const throttled = failed.filter((attempt) => attempt.reason === 'throttled').length;
  if (throttled === failed.length) return 'all-throttled';
  return throttled === 0 ? 'all-unavailable' : 'mixed';
}
