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
      attempt.errorName ?? '',
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
    durationMs: Math.round(attempt.durationMs),
  };
}
