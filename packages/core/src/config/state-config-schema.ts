import * as z from 'zod';
import { DEFAULT_STATE_BREAKER, DEFAULT_STATE_TIMEOUT_MS } from './defaults.js';

/**
 * The breaker on the store itself (not on an endpoint): how many failed or slow calls in a row
 * make the engine stop calling the store, and for how long it then answers from local state only.
 */
export const stateBreakerSchema = z.strictObject({
  failures: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .optional()
    .describe(
      `Store calls in a row that fail or outlast timeoutMs before the engine stops calling the store (default ${DEFAULT_STATE_BREAKER.failures}).`,
    ),
  halfOpenAfterMs: z
    .number()
    .int()
    .min(1)
    .max(3_600_000)
    .optional()
    .describe(
      `How long the store is left alone once its breaker opens, before one call tries it again (ms, default ${DEFAULT_STATE_BREAKER.halfOpenAfterMs}).`,
    ),
});

/**
 * Where breakers, retry budgets and usage windows live: this process (`memory`, the default) or a
 * Redis shared by a fleet (`redis`, opened by the server, the Lambda handler and the CLI from the
 * `@bedrock-ha/redis` package; in code, pass `stateStore` to `createBedrockHA`).
 */
export const stateSchema = z
  .strictObject({
    store: z
      .enum(['memory', 'redis'])
      .optional()
      .describe('memory (default): this process only; redis: shared by every instance given the same url.'),
    url: z
      .string()
      .regex(
        /^rediss?:\/\/[^\s]+$/,
        'a Redis URL: redis://host:6379, or rediss://user:password@host:6379 for TLS',
      )
      .optional()
      .describe(
        'The Redis (Valkey, ElastiCache) URL; rediss:// for TLS, user:password@ for AUTH. Keep the password in an environment variable reference.',
      ),
    keyPrefix: z
      .string()
      .optional()
      .describe('Prefix of every key (default bedrock-ha:); fleets sharing one Redis need different ones.'),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(60_000)
      .optional()
      .describe(
        `A store call slower than this is answered from local state (ms, default ${DEFAULT_STATE_TIMEOUT_MS}).`,
      ),
    breaker: stateBreakerSchema
      .optional()
      .describe(
        'The breaker on the store itself: after `failures` failed or slow calls in a row, local state answers alone for halfOpenAfterMs.',
      ),
  })
  .refine((state) => state.store !== 'redis' || state.url !== undefined, {
    message: "store 'redis' needs url: set state.url (or BEDROCK_HA_STATE_URL) to redis://host:6379",
    path: ['url'],
  });

/** The state settings as written in a config. */
export type StateConfig = z.input<typeof stateSchema>;
/** The store's own breaker settings (`state.breaker`) as written in a config. */
export type StateBreakerConfig = z.input<typeof stateBreakerSchema>;
