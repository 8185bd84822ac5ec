import { z } from 'zod';
import { faultRuleSchema } from './fault-schema.js';
import { serviceTiersSchema } from './quota/service-tier-options.js';

const behaviourSchema = z.strictObject({
  /** Time before a non-streaming answer, or before a stream's first content event (ms). */
  firstTokenMs: z.number().nonnegative().optional(),
  /** Output speed of streams and of non-streaming answers; 0 means instant. */
  tokensPerSecond: z.number().nonnegative().optional(),
  /** Length of a generated (not table) answer, in tokens. */
  outputTokens: z.int().positive().optional(),
  /**
   * Output tokens reserved at admission when a request sets no `maxTokens`; default the model's
   * maximum output, as Bedrock reserves.
   */
  defaultMaxTokens: z.int().positive().optional(),
  /**
   * Input tokens the model takes at most (counted as usage counts them); default the model's
   * window (a Provisioned Throughput's context variant, `:48k`, caps it). A longer request gets
   * Bedrock's ValidationException.
   */
  contextWindow: z.int().positive().optional(),
});

const quotaSchema = z.strictObject({
  requestsPerMinute: z.number().positive().optional(),
  tokensPerMinute: z.number().positive().optional(),
  /** Requests in flight at once before further ones are throttled. */
  maxConcurrent: z.int().positive().optional(),
  /** How many seconds of quota may be spent at once (bucket size); default 60, one minute. */
  burstSeconds: z.number().positive().optional(),
  /** Tokens a day; on-demand and inference profiles default to `tokensPerMinute` x 1440. */
  tokensPerDay: z.number().positive().optional(),
});

const quotaOverrideSchema = quotaSchema.extend({
  /** Region the override is for; omit for every region. */
  region: z.string().optional(),
  /** Model id or inference profile id the override is for. */
  model: z.string(),
});

const provisionedSchema = z.strictObject({
  name: z.string().min(1).max(63),
  region: z.string().min(1),
  /** Base model id or foundation-model ARN, optionally with a context suffix such as `:48k`. */
  modelId: z.string().min(1),
  modelUnits: z.int().positive().default(1),
  /** 12 lowercase letters or digits, for a stable ARN; generated when omitted. */
  id: z
    .string()
    .regex(/^[a-z0-9]{12}$/, 'must be 12 lowercase letters or digits')
    .optional(),
  /** Overrides the capacity derived from model units. */
  tokensPerMinute: z.number().positive().optional(),
  requestsPerMinute: z.number().positive().optional(),
  maxConcurrent: z.int().positive().optional(),
  burstSeconds: z.number().positive().optional(),
  status: z.enum(['InService', 'Creating', 'Failed']).default('InService'),
});

/** Everything a simulator can be configured with; a scenario file holds the same fields. */
export const simulatorOptionsSchema = z.strictObject({
  /** TCP port; 0 picks a free one. */
  port: z.int().min(0).max(65535).default(0),
  host: z.string().default('127.0.0.1'),
  /**
   * How long an idle keep-alive connection stays open (ms): HTTP/1.1 sockets are closed, HTTP/2
   * sessions get a GOAWAY. The default is Node's own server default, 5 s.
   */
  keepAliveTimeoutMs: z.int().positive().default(5_000),
  /** Seed of every random choice (fault probabilities, latency samples, generated text ids). */
  seed: z.int().default(1),
  /** Region of requests that carry no SigV4 scope (bearer tokens). */
  defaultRegion: z.string().default('us-east-1'),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be 12 digits')
    .default('123456789012'),
  /** Behaviour per model id; the key `*` sets the default for all. */
  models: z.record(z.string(), behaviourSchema).default({}),
  /** Canned answers, checked before generated text: a case-insensitive substring of the prompt. */
  answers: z.array(z.strictObject({ match: z.string().min(1), reply: z.string() })).default([]),
  quotas: z
    .strictObject({
      onDemand: quotaSchema.default({}),
      inferenceProfile: quotaSchema.default({}),
      overrides: z.array(quotaOverrideSchema).default([]),
      /** Length of the tokens-per-day window (ms); windows start at multiples of it since the epoch (UTC midnight for a day). */
      dayMs: z.int().positive().default(86_400_000),
      /**
       * What admission reserves against tokens per minute and per day: `max-tokens` (Bedrock's way:
       * input + `maxTokens`, or the model's default maximum when unset, corrected at settlement) or
       * `actual` (input + the answer's actual output, charged up front). `actual` is the default
       * because it is what this simulator always did: small PTs in existing scenarios, which send
       * no `maxTokens`, would otherwise refuse every request.
       */
      reservation: z.enum(['max-tokens', 'actual']).default('actual'),
    })
    .default({ onDemand: {}, inferenceProfile: {}, overrides: [], dayMs: 86_400_000, reservation: 'actual' }),
  provisioning: z
    .strictObject({
      /** Time a new or updated Provisioned Throughput spends in Creating/Updating (ms). */
      delayMs: z.number().nonnegative().default(1_000),
      /**
       * Tokens per minute of one model unit: one figure for every model, or per model id (`*` for
       * the rest) over the built-in table (`PT_TOKENS_PER_MINUTE_PER_UNIT`).
       */
      tokensPerMinutePerModelUnit: z
        .union([z.number().positive(), z.record(z.string(), z.number().positive())])
        .default({}),
      /** Names of Provisioned Throughputs whose creation fails. */
      failNames: z.array(z.string()).default([]),
    })
    .default({ delayMs: 1_000, tokensPerMinutePerModelUnit: {}, failNames: [] }),
  serviceTiers: serviceTiersSchema,
  /** Provisioned Throughputs that exist when the simulator starts. */
  provisionedThroughputs: z.array(provisionedSchema).default([]),
  faults: z.array(faultRuleSchema).default([]),
  /**
   * The prompt cache of each endpoint (region and model, profile or Provisioned Throughput):
   * `cachePoint` blocks (Converse) and `cache_control` (Anthropic InvokeModel) write and read it.
   */
  promptCache: z
    .strictObject({
      /** Lifetime of an entry after its last write or read (ms); a `1h` checkpoint lives 12 times as long. */
      ttlMs: z.int().positive().default(300_000),
      /** Tokens a checkpoint's prefix needs to be cached (1,024 for Claude 3.7 Sonnet); shorter ones are ignored. */
      minTokens: z.int().nonnegative().default(1_024),
      /** Entries kept at most, over every endpoint; the least recently used go first. */
      maxEntries: z.int().positive().default(100_000),
    })
    .default({ ttlMs: 300_000, minTokens: 1_024, maxEntries: 100_000 }),
  /** How many recent requests the request log keeps. */
  requestLogSize: z.int().nonnegative().default(1_000),
});

/** Options as a user writes them. */
export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
/** Options with every default applied. */
export type ResolvedOptions = z.output<typeof simulatorOptionsSchema>;
/** Behaviour of a model: latency, speed, answer length. */
export type ModelBehaviour = z.output<typeof behaviourSchema>;
/** A rate limit. */
export type Quota = z.output<typeof quotaSchema>;
/** A Provisioned Throughput declared in options. */
export type ProvisionedThroughputOptions = z.input<typeof provisionedSchema>;

/** Defaults when neither options nor a scenario say otherwise. */
export const DEFAULT_BEHAVIOUR: Required<Omit<ModelBehaviour, 'defaultMaxTokens' | 'contextWindow'>> = {
  firstTokenMs: 0,
  tokensPerSecond: 0,
  outputTokens: 24,
};
/** On-demand quota of a model in a region when no override applies (Claude 3 Haiku's real defaults). */
export const DEFAULT_ON_DEMAND_QUOTA = { requestsPerMinute: 1_000, tokensPerMinute: 2_000_000 } as const;
/** Cross-region inference profiles get twice the on-demand quota by default. */
export const DEFAULT_PROFILE_QUOTA = { requestsPerMinute: 2_000, tokensPerMinute: 4_000_000 } as const;
