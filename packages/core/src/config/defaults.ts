import type { Policy } from '../chain/endpoint.js';
import type { RetryBudgetOptions } from '../policies/retry-budget.js';
import type { StateConfig } from './state-config-schema.js';

// Constants live here, not beside the zod schemas: the engine needs them, and a precompiled
// configuration's engine must not load the schemas.

/** The request features a chain may strip for an endpoint that does not support them. */
export const STRIPPABLE_FEATURES = ['cachePoint', 'performanceConfig', 'serviceTier'] as const;

/** The length of Bedrock's daily quota window: one UTC day. */
export const DAY_MS = 86_400_000;

/** The state store's bound when the config leaves it out (ms): a few loopback round trips. */
export const DEFAULT_STATE_TIMEOUT_MS = 5;

/**
 * Defaults of every endpoint. Two attempts per endpoint keeps a chain's worst case short (the
 * SDK's own default is three attempts on one endpoint); a breaker opens after five failures in a
 * row and probes again after 5 s, doubling up to a minute, like Envoy's outlier ejection. Bedrock's
 * daily quotas reset at midnight UTC.
 */
export const DEFAULT_POLICY: Policy = {
  retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 2_000, provisionedThrottling: 'failover' },
  breaker: { mode: 'consecutive', failures: 5, halfOpenAfterMs: 5_000, maxHalfOpenAfterMs: 60_000 },
  timeouts: { attemptMs: 60_000, firstTokenMs: 20_000, idleMs: 30_000 },
  bulkhead: false,
  dailyQuota: { resetsAt: '00:00', windowMs: DAY_MS },
};

/**
 * The AWS SDK's standard retry quota, with its 2026 costs: 500 tokens, 5 per retry after
 * throttling, 14 per retry after any other transient error, 1 back per success. Once the bucket is
 * dry, retries after server errors are at most 1 in 14 successes (Google SRE: under 10% of load).
 */
export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = {
  capacity: 500,
  throttlingRetryCost: 5,
  retryCost: 14,
  successRefill: 1,
};

/**
 * The store's own breaker when the config leaves it out: after `failures` failed or slow calls in a
 * row, the engine leaves the store alone for `halfOpenAfterMs`, then tries it again.
 */
export const DEFAULT_STATE_BREAKER = { failures: 5, halfOpenAfterMs: 5_000 } as const;

/**
 * The bounds `withLocalFallback` puts on a shared store, from `state`: its call timeout and its own
 * breaker, defaults filled in.
 */
export function storeBounds(state: StateConfig): {
  timeoutMs: number;
  failureThreshold: number;
  coolDownMs: number;
} {
  return {
    timeoutMs: state.timeoutMs ?? DEFAULT_STATE_TIMEOUT_MS,
    failureThreshold: state.breaker?.failures ?? DEFAULT_STATE_BREAKER.failures,
    coolDownMs: state.breaker?.halfOpenAfterMs ?? DEFAULT_STATE_BREAKER.halfOpenAfterMs,
  };
}
