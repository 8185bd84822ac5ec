import * as z from 'zod';

import { DEFAULT_STATE_TIMEOUT_MS } from './defaults.js';

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
  })
  .refine((state) => state.store !== 'redis' || state.url !== undefined, {
    message: "store 'redis' needs url: set state.url (or BEDROCK_HA_STATE_URL) to redis://host:6379",
    path: ['url'],
  });

/** The state settings as written in a config. */
export type StateConfig = z.input<typeof stateSchema>;
