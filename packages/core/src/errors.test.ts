import { describe, expect, it } from 'vitest';
import { AllEndpointsFailedError, type Attempt } from './errors.js';

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
