// A namespace import: bundlers (esbuild, for the Lambda) then keep only the zod parts used here;
// `import { z }` makes them keep all of zod, its ~40 locales included (a third of a MB).
import * as z from 'zod';
import { dailyQuotaSchema } from './daily-quota-schema.js';

/**
 * The longest delay, in ms, a Node.js timer can wait (2^31 - 1, about 24.8 days). A longer one
 * fires at once (with a `TimeoutOverflowWarning`), so every timeout and delay in a configuration
 * is capped here rather than failing every request after a millisecond.
 */
export const MAX_TIMER_MS = 2_147_483_647;

const milliseconds = z.number().int().min(0).max(MAX_TIMER_MS);
/** A delay or timeout of at least 1 ms. */
export const positiveMilliseconds = z.number().int().min(1).max(MAX_TIMER_MS);

/** Retry of one endpoint before the chain fails over: capped exponential backoff with full jitter. */
export const retrySchema = z.strictObject({
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(10)
    .describe('Attempts on one endpoint, the first included, before failing over (1 = no retry).'),
  baseDelayMs: milliseconds.describe('Backoff before the first retry is random in [0, baseDelayMs].'),
  maxDelayMs: milliseconds.describe('Cap of the backoff: random in [0, min(maxDelayMs, baseDelayMs * 2^n)].'),
  provisionedThrottling: z
    .enum(['failover', 'retry'])
    .describe(
      'What a ThrottlingException from a Provisioned Throughput endpoint does: fail over at once (the AWS sample) or retry it like any transient error.',
    ),
});

const halfOpen = {
  halfOpenAfterMs: positiveMilliseconds.describe(
    'How long an open breaker sends traffic elsewhere before letting one probe through.',
  ),
  maxHalfOpenAfterMs: positiveMilliseconds.describe(
    'Each failed probe doubles the open period, up to this cap.',
  ),
};

function halfOpenInOrder(breaker: { halfOpenAfterMs: number; maxHalfOpenAfterMs: number }): boolean {
  return breaker.maxHalfOpenAfterMs >= breaker.halfOpenAfterMs;
}

const halfOpenOrder = {
  message: 'must be at least halfOpenAfterMs',
  path: ['maxHalfOpenAfterMs'],
};

/** Circuit breaker of one endpoint. */
export const breakerSchema = z.discriminatedUnion('mode', [
  z
    .strictObject({
      mode: z.literal('consecutive').describe('Open after `failures` failures in a row.'),
      failures: z.number().int().min(1).describe('Failures in a row that open the breaker.'),
      ...halfOpen,
    })
    .refine(halfOpenInOrder, halfOpenOrder),
  z
    .strictObject({
      mode: z
        .literal('sampling')
        .describe('Open when the failure rate over a sliding window passes a threshold.'),
      failureRate: z.number().gt(0).max(1).describe('Fraction of failed calls that opens the breaker.'),
      windowMs: positiveMilliseconds.describe('Length of the sliding window.'),
      minimumRps: z
        .number()
        .gt(0)
        .describe(
          'Calls per second the window must average before the rate counts, so one failure cannot open it.',
        ),
      ...halfOpen,
    })
    .refine(halfOpenInOrder, halfOpenOrder),
  z.strictObject({ mode: z.literal('off').describe('No circuit breaker.') }),
]);

/** Timeouts of one attempt. */
export const timeoutsSchema = z.strictObject({
  attemptMs: positiveMilliseconds.describe(
    'One attempt: the whole call, or for a stream until its response starts. Capped by the request deadline.',
  ),
  firstTokenMs: positiveMilliseconds.describe(
    'Streams: from the start of an attempt to its first content event.',
  ),
  idleMs: positiveMilliseconds.describe('Streams: the longest gap between two events once content flows.'),
});

/** Concurrency limit of one endpoint. */
export const bulkheadSchema = z.strictObject({
  maxConcurrent: z.number().int().min(1).describe('Calls in flight at once on this endpoint.'),
  maxQueued: z.number().int().min(0).describe('Calls waiting for a slot; beyond that, the chain fails over.'),
});

/** Resilience policy; every level (config, chain, endpoint) may override any part of it. */
export const policySchema = z.strictObject({
  // Refined here, not on retrySchema, because zod cannot take `.partial()` of a refined object.
  retry: retrySchema
    .partial()
    .refine(
      (retry) =>
        retry.baseDelayMs === undefined ||
        retry.maxDelayMs === undefined ||
        retry.maxDelayMs >= retry.baseDelayMs,
      { message: 'must be at least baseDelayMs', path: ['maxDelayMs'] },
    )
    .optional()
    .describe('Merged setting by setting over the level above.'),
  breaker: breakerSchema
    .optional()
    .describe('Replaces the breaker of the level above whole: the modes take different settings.'),
  timeouts: timeoutsSchema.partial().optional().describe('Merged setting by setting over the level above.'),
  bulkhead: z
    .union([bulkheadSchema, z.literal(false)])
    .optional()
    .describe('false removes a limit set above.'),
  dailyQuota: dailyQuotaSchema.optional().describe('Merged setting by setting over the level above.'),
});

/** A (partial) resilience policy as written in a config. */
export type PolicyConfig = z.input<typeof policySchema>;
/** Circuit breaker settings. */
export type BreakerConfig = z.infer<typeof breakerSchema>;
