import type { Policy } from './endpoint.js';

/**
 * Defaults of every endpoint. Two attempts per endpoint keeps a chain's worst case short (the
 * SDK's own default is three attempts on one endpoint); a breaker opens after five failures in a
 * row and probes again after 5 s, doubling up to a minute, like Envoy's outlier ejection.
 */
export const DEFAULT_POLICY: Policy = {
  retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 2_000, provisionedThrottling: 'failover' },
  breaker: { mode: 'consecutive', failures: 5, halfOpenAfterMs: 5_000, maxHalfOpenAfterMs: 60_000 },
  timeouts: { attemptMs: 60_000, firstTokenMs: 20_000, idleMs: 30_000 },
  bulkhead: false,
};

/** The AWS SDK's standard retry quota: 500 tokens, 5 per retry, 10 per timeout retry, 1 back per success. */
export const DEFAULT_RETRY_BUDGET = { capacity: 500, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 };
