import { z } from 'zod';
import { BEDROCK_ERROR_NAMES, STREAM_EXCEPTIONS } from './errors.js';
import { OPERATIONS } from './operations.js';

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

const latencySchema = z.union([
  z.number().nonnegative(),
  z
    .strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() })
    .refine((range) => range.max >= range.min, { message: 'must be at least min', path: ['max'] }),
  z.strictObject({ mean: z.number().nonnegative(), stddev: z.number().nonnegative() }),
]);

const streamExceptionNames = [...new Set(Object.values(STREAM_EXCEPTIONS).flat())] as [string, ...string[]];

/** What a fault does to a request it applies to. */
export const faultEffectSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('error'),
    error: z.enum(BEDROCK_ERROR_NAMES),
    message: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('latency'), ms: latencySchema }),
  z.strictObject({ type: z.literal('hang') }),
  z.strictObject({ type: z.literal('reset') }),
  z.strictObject({
    type: z.literal('malformed'),
    variant: z.enum(['truncated-json', 'html', 'bad-crc']).default('truncated-json'),
  }),
  z.strictObject({
    type: z.literal('stream-cut'),
    afterEvents: z.int().nonnegative(),
    mode: z.enum(['reset', 'end']).default('reset'),
  }),
  z.strictObject({
    type: z.literal('stream-stall'),
    afterEvents: z.int().nonnegative(),
    ms: latencySchema,
  }),
  z.strictObject({
    type: z.literal('stream-exception'),
    afterEvents: z.int().nonnegative(),
    error: z.enum(streamExceptionNames),
    message: z.string().optional(),
  }),
]);

/** Which requests a fault is for; every field given must match, an omitted one matches all. */
export const faultMatchSchema = z.strictObject({
  region: oneOrMany(z.string()).optional(),
  /** Model id, ARN, PT name or ARN, or profile id; `*` matches any run of characters. */
  model: oneOrMany(z.string()).optional(),
  /** Omitted: every runtime operation. Control-plane operations are faulted only when named. */
  operation: oneOrMany(z.enum(OPERATIONS)).optional(),
});

const requestScheduleSchema = z.union([
  z.array(z.int().positive()).min(1),
  z
    .strictObject({
      from: z.int().positive().optional(),
      to: z.int().positive().optional(),
      every: z.int().positive().optional(),
    })
    .refine((range) => range.to === undefined || range.to >= (range.from ?? 1), {
      message: 'must be at least from',
      path: ['to'],
    }),
]);

/** When a matching request is faulted; all given conditions must hold. */
export const faultWhenSchema = z.strictObject({
  /** Chance per matching request, drawn from the simulator's seeded random source. */
  probability: z.number().min(0).max(1).optional(),
  /** 1-based numbers of the matching requests to fault: a list, or a range with a step. */
  requests: requestScheduleSchema.optional(),
  /** Start this many ms after the rule is added. */
  afterMs: z.number().nonnegative().optional(),
  /** Stay active this many ms (after `afterMs`). */
  forMs: z.number().positive().optional(),
  /** Apply at most this many times, then stay inert. */
  times: z.int().positive().optional(),
});

/** A fault rule: which requests, when, and what happens to them. */
export const faultRuleSchema = z.strictObject({
  id: z.string().min(1).optional(),
  match: faultMatchSchema.default({}),
  when: faultWhenSchema.default({}),
  fault: faultEffectSchema,
});

/** A fault rule as written by a user (defaults not yet applied). */
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
/** A validated fault rule. */
export type FaultRule = z.output<typeof faultRuleSchema>;
/** What a fault does. */
export type FaultEffect = z.output<typeof faultEffectSchema>;
/** Added latency: fixed, uniform in a range, or normal. */
export type LatencySpec = z.output<typeof latencySchema>;
