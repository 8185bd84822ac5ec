import { describe, expect, it } from 'vitest';
import { AllEndpointsFailedError } from './all-endpoints-failed-error.js';
import type { Attempt } from './attempt.js';
import { AttemptTimeoutError } from './attempt-timeout-error.js';
import { BedrockHAError } from './bedrock-ha-error.js';
import { DeadlineExceededError } from './deadline-exceeded-error.js';
import { FirstTokenTimeoutError } from './first-token-timeout-error.js';
import { IncompleteStreamError } from './incomplete-stream-error.js';
import { StreamIdleTimeoutError } from './stream-idle-timeout-error.js';
import { StreamInterruptedError } from './stream-interrupted-error.js';
import { UnknownChainError } from './unknown-chain-error.js';

const east = {
  chain: 'claude',
  endpointId: 'east',
  region: 'us-east-1',
  kind: 'on-demand' as const,
  modelId: 'm',
};
const failed = (reason: Attempt['reason']): Attempt => ({
  endpoint: east,
  attempt: 1,
  outcome: 'failure',
  reason,
  errorName: 'X',
  durationMs: 1,
});
const skipped: Attempt = {
  endpoint: east,
  attempt: 1,
  outcome: 'skipped',
  reason: 'circuit-open',
  durationMs: 0,
};

describe('AllEndpointsFailedError.reason', () => {
  it.each([
    [[failed('throttled'), skipped, failed('throttled')], 'all-throttled'],
    [[failed('server-error'), failed('timeout')], 'all-unavailable'],
    [[failed('throttled'), failed('network')], 'mixed'],
    [[skipped, skipped], 'all-skipped'],
    [[], 'all-skipped'],
  ] as const)('%j -> %s', (attempts, reason) => {
    expect(new AllEndpointsFailedError('claude', attempts, undefined).reason).toBe(reason);
  });

  it('defaults errors to the last error alone', () => {
    const last = new Error('last');
    const error = new AllEndpointsFailedError('claude', [failed('network')], last);
    expect(error.errors).toEqual([last]);
    expect(error.lastError).toBe(last);
    expect(error.cause).toBe(last);
  });
});

describe('isInstance', () => {
  const instances = [
    new AllEndpointsFailedError('claude', [], undefined),
    new DeadlineExceededError('claude', 100, []),
    new StreamInterruptedError('claude', 'partial', east, [], new Error('broke')),
    new UnknownChainError('nope', ['claude']),
    new AttemptTimeoutError(100),
    new FirstTokenTimeoutError(100),
    new StreamIdleTimeoutError(100),
    new IncompleteStreamError(),
  ];
  const classes = [
    AllEndpointsFailedError,
    DeadlineExceededError,
    StreamInterruptedError,
    UnknownChainError,
    AttemptTimeoutError,
    FirstTokenTimeoutError,
    StreamIdleTimeoutError,
    IncompleteStreamError,
  ];

  it('recognizes exactly its own class', () => {
    for (const [row, errorClass] of classes.entries())
      expect(instances.map((instance) => errorClass.isInstance(instance))).toEqual(
        instances.map((_, column) => column === row),
      );
  });

  it("recognizes another copy's error by its registered symbol, as instanceof cannot", () => {
    const copy = Object.assign(new Error('from another copy'), {
      [Symbol.for('bedrock-ha.AllEndpointsFailedError')]: true,
      [Symbol.for('bedrock-ha.BedrockHAError')]: true,
    });
    expect(copy instanceof AllEndpointsFailedError).toBe(false);
    expect(AllEndpointsFailedError.isInstance(copy)).toBe(true);
    expect(BedrockHAError.isInstance(copy)).toBe(true);
    expect(DeadlineExceededError.isInstance(copy)).toBe(false);
  });

  it('is false for values that are not objects', () => {
    for (const value of [undefined, null, 'AllEndpointsFailedError', 42])
      expect(AllEndpointsFailedError.isInstance(value)).toBe(false);
  });
});
