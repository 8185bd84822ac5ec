import type { EndpointRef } from '../chain/endpoint.js';
import type { ErrorClass, FailureReason } from '../policies/error-classification.js';

/** What happened to one attempt on one endpoint. */
export interface Attempt {
  readonly endpoint: EndpointRef;
  /** 1 for the first attempt on this endpoint within the request, 2 for its first retry, ... */
  readonly attempt: number;
  /** `skipped`: no call was made (breaker open, bulkhead full, budget or deadline spent). */
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly errorClass?: ErrorClass;
  readonly reason?: FailureReason;
  /** The error's name, such as `ThrottlingException`. */
  readonly errorName?: string;
  readonly errorMessage?: string;
  /** The system code behind a network failure, such as `ECONNREFUSED` or `ENOTFOUND`. */
  readonly errorCode?: string;
  /** A skip for `unsupported-capability`: what the request needs that the endpoint's model lacks. */
  readonly unsupported?: readonly string[];
  /** Optional request features removed for this endpoint, which lacks them (chain's `stripUnsupported`). */
  readonly stripped?: readonly string[];
  readonly durationMs: number;
}

/**
 * The attempts in one line: `east ThrottlingException, west skipped (circuit-open)`, `north
 * skipped (unsupported-capability: tools, images)`.
 */
export function summarizeAttempts(attempts: readonly Attempt[]): string {
  return attempts
    .map((attempt) =>
      attempt.outcome === 'skipped'
        ? `${attempt.endpoint.endpointId} skipped (${attempt.reason}${attempt.unsupported?.length ? `: ${attempt.unsupported.join(', ')}` : ''})`
        : `${attempt.endpoint.endpointId} ${errorLabel(attempt)}${attempt.reason === 'context-length' ? ' (context-length)' : ''}`,
    )
    .join(', ');
}

// Node's network errors are plain `Error`s: their code is what says what happened.
const GENERIC_NAMES = new Set(['Error', 'AggregateError', undefined]);

/**
 * An attempt's error in a word or two: its name, with the network code behind it (`ECONNREFUSED`
 * alone for a plain `Error`, `TimeoutError (ECONNRESET)` for a named one).
 */
function errorLabel(attempt: Pick<Attempt, 'errorName' | 'errorCode'>): string {
  const { errorName, errorCode } = attempt;
  if (errorCode === undefined) return errorName ?? 'unknown error';
  return GENERIC_NAMES.has(errorName) ? errorCode : `${errorName} (${errorCode})`;
}
