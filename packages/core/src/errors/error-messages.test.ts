import { describe, expect, it } from 'vitest';
import { AllEndpointsFailedError } from './all-endpoints-failed-error.js';
import type { Attempt } from './attempt.js';
import { AttemptTimeoutError } from './attempt-timeout-error.js';
import { DeadlineExceededError } from './deadline-exceeded-error.js';
import { FirstTokenTimeoutError } from './first-token-timeout-error.js';
import { StreamIdleTimeoutError } from './stream-idle-timeout-error.js';

const failed = (endpointId: string, errorName: string, errorCode?: string): Attempt => ({
  endpoint: { endpointId, region: 'us-east-1', kind: 'on-demand', modelId: 'm' },
  attempt: 1,
  outcome: 'failure',
  reason: 'network',
  errorName,
  ...(errorCode !== undefined && { errorCode }),
  durationMs: 1,
});

describe('AllEndpointsFailedError', () => {
  it('names the network cause of each failure, not a bare Error', () => {
    const error = new AllEndpointsFailedError(
      'c',
      [
        failed('a', 'Error', 'ECONNREFUSED'),
        failed('b', 'Error', 'ENOTFOUND'),
        failed('c', 'TimeoutError', 'ECONNRESET'),
        failed('d', 'ThrottlingException'),
      ],
      undefined,
    );
    expect(error.message).toBe(
      'Every endpoint of chain "c" failed: a ECONNREFUSED, b ENOTFOUND, c TimeoutError (ECONNRESET), d ThrottlingException',
    );
  });
});

// A timeout capped by what is left of a deadline is fractional (8000 - 0.82...): messages, which
// end up in logs, show whole milliseconds; the fields keep the exact value.
describe('timeout messages', () => {
  it('round fractional milliseconds', () => {
    const attempt = new AttemptTimeoutError(7999.179673000001);
    expect(attempt.message).toBe('The attempt timed out after 7999 ms');
    expect(attempt.timeoutMs).toBe(7999.179673000001);
    expect(new FirstTokenTimeoutError(1500.4).message).toBe(
      "No content arrived within 1500 ms of the stream's start",
    );
    expect(new StreamIdleTimeoutError(250.6).message).toBe('The stream sent nothing for 251 ms');
    expect(new DeadlineExceededError('main', 2999.7, []).message).toBe(
      'Chain "main" did not answer within its 3000 ms deadline',
    );
  });
});
