import * as z from 'zod';
import { STRIPPABLE_FEATURES } from './defaults.js';
import { SERVICE_TIERS } from './service-tier-schema.js';

const supports = (what: string) =>
  z
    .boolean()
    .optional()
    .describe(`Whether the model takes ${what}; unset: bedrock-ha's table, else unknown.`);

/**
 * What an endpoint's model can take, over bedrock-ha's table of known models. A request that
 * needs what an endpoint lacks skips it (reason unsupported-capability); unknown never skips.
 */
export const capabilitiesSchema = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The base model id to look up in bedrock-ha's table, when modelId does not name it (a PT's ARN). Default: capacity.model, else the model id.",
      ),
    contextWindow: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Input tokens plus maxTokens the model takes at most.'),
    tools: supports('tool use (toolConfig)'),
    images: supports('image content blocks'),
    documents: supports('document content blocks'),
    structuredOutput: supports('structured output (outputConfig.textFormat)'),
    performanceConfig: supports("performanceConfig (latency 'optimized')"),
    serviceTiers: z
      .array(z.enum(SERVICE_TIERS))
      .min(1)
      .optional()
      .describe('The service tiers the model is offered at, for requests that ask for one.'),
    cachePoint: supports('cachePoint blocks (prompt caching)'),
  })
  .describe(
    "What the endpoint's model can take, overriding bedrock-ha's table of known models field by field.",
  );

/** An endpoint's capabilities as written in a config. */
export type CapabilitiesConfig = z.input<typeof capabilitiesSchema>;

/** One request feature a chain may strip. */
export type Strippable = (typeof STRIPPABLE_FEATURES)[number];

/** A chain's `stripUnsupported`. */
export const stripUnsupportedSchema = z
  .union([z.boolean(), z.array(z.enum(STRIPPABLE_FEATURES)).min(1)])
  .optional()
  .describe(
    "Optional request fields to remove for an endpoint that does not support them, instead of skipping it: true for all of cachePoint, performanceConfig and serviceTier (the caller's), or a list of them. Default: none, skip the endpoint. Tools, images, documents and structured output are never stripped.",
  );
