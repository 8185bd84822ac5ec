import type { Attempt } from '@bedrock-ha/core';
import { renderTable } from './table.js';

/** Every attempt of a request, one row each: which endpoint, what happened, why, how long. */
export function renderAttempts(attempts: readonly Attempt[]): string {
  return renderTable(
    ['#', 'endpoint', 'region', 'outcome', 'reason', 'error', 'ms'],
    attempts.map((attempt, index) => [
      String(index + 1),
      attempt.endpoint.endpointId,
      attempt.endpoint.region,
      attempt.outcome,
      attempt.reason ?? '',
      errorCell(attempt),
      String(Math.round(attempt.durationMs)),
    ]),
  );
}

/** An attempt as `--json` prints it (the error message is left out: it may quote the request). */
export function attemptJson(attempt: Attempt) {
  return {
    endpointId: attempt.endpoint.endpointId,
    region: attempt.endpoint.region,
    kind: attempt.endpoint.kind,
    attempt: attempt.attempt,
    outcome: attempt.outcome,
    errorClass: attempt.errorClass,
    reason: attempt.reason,
    errorName: attempt.errorName,
    ...(attempt.errorCode !== undefined && { errorCode: attempt.errorCode }),
    durationMs: Math.round(attempt.durationMs),
  };
}

/** The error column: a network failure's code (`ECONNREFUSED`) says more than its class name `Error`. */
function errorCell({ errorName = '', errorCode }: Attempt): string {
  if (errorCode === undefined) return errorName;
  return errorName === 'Error' || errorName === 'AggregateError' ? errorCode : `${errorName} (${errorCode})`;
}
