// A namespace import: bundlers (esbuild, for the Lambda) then keep only the zod parts used here;
// `import { z }` makes them keep all of zod, its ~40 locales included (a third of a MB).
import * as z from 'zod';
import { stateSchema } from './state-config-schema.js';

/**
 * The longest delay, in ms, a Node.js timer can wait (2^31 - 1, about 24.8 days). A longer one
 * fires at once (with a `TimeoutOverflowWarning`), so every timeout and delay in a configuration
 * is capped here rather than failing every request after a millisecond.
 */
export const MAX_TIMER_MS = 2_147_483_647;

const milliseconds = z.number().int().min(0).max(MAX_TIMER_MS);
const positiveMilliseconds = z.number().int().min(1).max(MAX_TIMER_MS);

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
});

/**
 * The AWS SDK writes `$source` into any credentials object it is given, so an object that was
 * also handed to an SDK client would fail the strict check for a key the user never wrote.
 */
function withoutSdkMarks(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('$source' in value)) return value;
  const { $source: _ignored, ...rest } = value as Record<string, unknown>;
  return rest;
}

const credentialsSchema = z.strictObject({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});

/** How the SDK client of an endpoint connects and signs. */
export const clientSchema = z.strictObject({
  endpoint: z.url().optional().describe('Endpoint URL, for a VPC endpoint, a proxy or the simulator.'),
  profile: z.string().min(1).optional().describe('Named profile from ~/.aws/config and ~/.aws/credentials.'),
  // The cast keeps the config type's credentials shape; preprocess alone would widen its input to unknown.
  credentials: (z.preprocess(withoutSdkMarks, credentialsSchema) as unknown as typeof credentialsSchema)
    .optional()
    // biome-ignore lint/suspicious/noTemplateCurlyInString: names the config file's ${ENV} syntax, not a template.
    .describe('Static credentials; prefer a profile or the default chain, or ${ENV} references.'),
  http2: z
    .boolean()
    .optional()
    .describe('Use one multiplexed HTTP/2 session instead of keep-alive HTTP/1.1 connections.'),
  connectTimeoutMs: positiveMilliseconds.optional().describe('Time allowed to open a connection.'),
  maxSockets: z.number().int().min(1).optional().describe('HTTP/1.1 connections per client.'),
});

/** Where a model is served: a PT ARN, an on-demand model id or a cross-region inference profile. */
export const endpointSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[\w.:@/-]+$/, 'letters, digits and . _ : @ / - only')
    .optional()
    .describe('Unique name, used in results, logs, metrics and references. Default: region/model.'),
  kind: z
    .enum(['provisioned', 'on-demand', 'inference-profile'])
    .optional()
    .describe('Inferred from modelId when left out.'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as us-east-1')
    .optional()
    .describe('Required unless modelId is an ARN, which names its region.'),
  modelId: z
    .string()
    .min(1)
    .describe('Provisioned-model ARN, foundation model id, or inference profile id or ARN.'),
  weight: z.number().gt(0).optional().describe('Share of first picks when the chain routes by weight.'),
  policy: policySchema.optional().describe('Overrides the chain and top-level policies for this endpoint.'),
  client: clientSchema.optional().describe('Overrides the top-level client settings for this endpoint.'),
});

/** An ordered list of endpoints that serve the same requests. */
export const chainSchema = z.strictObject({
  endpoints: z
    .array(z.union([z.string().min(1).describe('The id of an entry in `endpoints`.'), endpointSchema]))
    .min(1)
    .describe('Tried in this order: inline endpoints, or ids of entries in the top-level `endpoints`.'),
  routing: z
    .enum(['ordered', 'weighted'])
    .optional()
    .describe(
      'ordered: always start at the first endpoint; weighted: pick the first by weight, then the rest in order.',
    ),
  deadlineMs: positiveMilliseconds.optional().describe('Whole request, every attempt and backoff included.'),
  hedge: z
    .strictObject({
      afterMs: positiveMilliseconds.describe(
        'When the first endpoint has not answered (for a stream: sent content) after this long, also start the next one; the first answer wins and the other call is aborted.',
      ),
    })
    .optional()
    .describe('Hedged requests: trade some extra calls for a shorter tail. Off by default.'),
  resume: z
    .boolean()
    .optional()
    .describe(
      'ConverseStream: after content has flowed, continue an interrupted answer on the next endpoint.',
    ),
  policy: policySchema
    .optional()
    .describe(
      'Overrides the top-level policy for the endpoints written in this chain; shared endpoints (from `endpoints`) keep their own.',
    ),
});

/** The retry budget of each endpoint: a token bucket, like the AWS SDK's retry quota. */
export const retryBudgetSchema = z.strictObject({
  capacity: z.number().int().min(1).describe('Tokens in a full bucket.'),
  throttlingRetryCost: z.number().int().min(0).describe('Tokens a retry after a ThrottlingException takes.'),
  retryCost: z
    .number()
    .int()
    .min(0)
    .describe('Tokens a retry after any other transient error (server error, timeout, network) takes.'),
  successRefill: z.number().int().min(0).describe('Tokens a success gives back.'),
});

/** The whole configuration: named chains, shared endpoints and defaults. */
export const configSchema = z.strictObject({
  $schema: z
    .string()
    .optional()
    .describe('The JSON Schema of this file, for editors; ignored by bedrock-ha.'),
  chains: z
    .record(z.string().regex(/^[\w.:@/-]+$/, 'letters, digits and . _ : @ / - only'), chainSchema)
    .refine((chains) => Object.keys(chains).length > 0, 'at least one chain is required')
    .describe('Named chains; a request names the chain that serves it.'),
  endpoints: z
    .record(z.string(), endpointSchema.omit({ id: true }))
    .optional()
    .describe('Endpoints that chains reference by id, sharing their breaker, bulkhead and budget.'),
  policy: policySchema.optional().describe('Defaults for every endpoint.'),
  client: clientSchema.optional().describe('Defaults for every SDK client.'),
  deadlineMs: positiveMilliseconds.optional().describe('Default deadline of every request.'),
  retryBudget: z
    .union([retryBudgetSchema.partial(), z.literal(false)])
    .optional()
    .describe('Token bucket that limits the retries of each endpoint; false for unlimited retries.'),
  telemetry: z
    .strictObject({
      captureContent: z
        .boolean()
        .optional()
        .describe('Record prompts and completions on spans. Off by default: they may hold personal data.'),
    })
    .optional()
    .describe('OpenTelemetry options.'),
  state: stateSchema.optional().describe('Where breakers, retry budgets and usage live; memory by default.'),
});

/** Configuration as written by users (every default optional). */
export type BedrockHAConfig = z.input<typeof configSchema>;
/** One endpoint as written in a config. */
export type EndpointConfig = z.input<typeof endpointSchema>;
/** One chain as written in a config. */
export type ChainConfig = z.input<typeof chainSchema>;
/** A (partial) resilience policy as written in a config. */
export type PolicyConfig = z.input<typeof policySchema>;
/** SDK client options as written in a config. */
export type ClientConfig = z.input<typeof clientSchema>;
/** Circuit breaker settings. */
export type BreakerConfig = z.infer<typeof breakerSchema>;
