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
  readonly durationMs: number;
}

/** The attempts in one line: `east ThrottlingException, west skipped (circuit-open)`. */
export function summarizeAttempts(attempts: readonly Attempt[]): string {
  return attempts
    .map(({ endpoint, outcome, errorName, reason }) =>
      outcome === 'skipped'
        ? `${endpoint.endpointId} skipped (${reason})`
        : `${endpoint.endpointId} ${errorName}`,
    )
    .join(', ');
}
