// A namespace import: bundlers (esbuild, for the Lambda) then keep only the zod parts used here;
// `import { z }` makes them keep all of zod, its ~40 locales included (a third of a MB).
import * as z from 'zod';
import { capabilitiesSchema, stripUnsupportedSchema } from './capabilities-schema.js';
import { capacitySchema } from './capacity-schema.js';
import { policySchema, positiveMilliseconds } from './policy-schema.js';
import { serviceTierSchema } from './service-tier-schema.js';
import { stateSchema } from './state-config-schema.js';

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
  transport: z
    .enum(['lean', 'sdk'])
    .optional()
    .describe(
      "How requests are sent: 'lean' (default) skips the SDK's per-request middleware, with the same outputs and errors; 'sdk' sends every request through the SDK client.",
    ),
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
  serviceTier: serviceTierSchema.optional(),
  capacity: capacitySchema
    .optional()
    .describe('What the endpoint can take: the chain spills to the next endpoint before it would throttle.'),
  capabilities: capabilitiesSchema.optional(),
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
    .enum(['ordered', 'weighted', 'adaptive'])
    .optional()
    .describe(
      'ordered: always start at the first endpoint; weighted: pick the first by weight; adaptive: pick the first by observed latency (streams: time to first token) and error rate, the better of two random healthy endpoints, exploring 5% of the time; then the rest in order.',
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
  stripUnsupported: stripUnsupportedSchema,
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
  affinity: z
    .union([
      z.strictObject({
        ttlMs: positiveMilliseconds
          .optional()
          .describe(
            "How long a key stays bound after its last request, and its home preferred after a failover. Default 300000 (Bedrock's 5-minute cache TTL).",
          ),
        maxKeys: z.int().min(1).optional().describe('Keys remembered per process at most. Default 10000.'),
      }),
      z.literal(false),
    ])
    .optional()
    .describe(
      'Prompt-cache affinity: a request with an affinity key (the gateway: x-session-id, OpenAI user or prompt_cache_key) goes to the endpoint that served its key last, on weighted and adaptive chains; false turns it off.',
    ),
});

/** Configuration as written by users (every default optional). */
export type BedrockHAConfig = z.input<typeof configSchema>;
/** One endpoint as written in a config. */
export type EndpointConfig = z.input<typeof endpointSchema>;
/** One chain as written in a config. */
export type ChainConfig = z.input<typeof chainSchema>;
/** SDK client options as written in a config. */
export type ClientConfig = z.input<typeof clientSchema>;
