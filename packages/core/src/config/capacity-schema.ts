import * as z from 'zod';

const perMinute = z.number().int().min(1);

/**
 * What one endpoint can take, for token-aware admission. Declared figures (tokens and requests per
 * minute, tokens per day, or a Provisioned Throughput's model units) make the chain spill to the
 * next endpoint before the endpoint would throttle; `{}` (no figures) learns the endpoint's rate
 * from its throttles instead.
 */
export const capacitySchema = z
  .strictObject({
    tokensPerMinute: perMinute
      .optional()
      .describe('Tokens a minute the endpoint admits (input + maxTokens, reserved as Bedrock does).'),
    requestsPerMinute: perMinute.optional().describe('Requests a minute the endpoint admits.'),
    tokensPerDay: perMinute.optional().describe('Tokens a day (the daily quota), counted per UTC day.'),
    modelUnits: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        "Provisioned Throughput: its model units; tokensPerMinute is then modelUnits x the model's tokens per model unit.",
      ),
    tokensPerModelUnit: perMinute
      .optional()
      .describe("Tokens a minute one model unit gives, overriding bedrock-ha's table for the model."),
    model: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The endpoint's base model id (a PT's ARN does not name it), for the model-unit table and the default maxTokens.",
      ),
    defaultMaxTokens: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("What a request without maxTokens reserves for its output: the model's maximum by default."),
    windowMs: z
      .number()
      .int()
      .min(10)
      .max(86_400_000)
      .optional()
      .describe(
        "The per-minute figures work as a bucket holding windowMs' worth that refills continuously (default 60000: a minute's quota can be spent at once, as on Bedrock).",
      ),
    learn: z
      .boolean()
      .optional()
      .describe(
        'Lower an estimate of the rate after each throttle and raise it slowly on success. Default: on when no figure is declared.',
      ),
  })
  .refine((capacity) => !(capacity.modelUnits !== undefined && capacity.tokensPerMinute !== undefined), {
    message: 'set either modelUnits or tokensPerMinute, not both',
    path: ['modelUnits'],
  })
  .refine((capacity) => capacity.tokensPerModelUnit === undefined || capacity.modelUnits !== undefined, {
    message: 'tokensPerModelUnit needs modelUnits (the number of model units bought)',
    path: ['tokensPerModelUnit'],
  })
  .refine(
    (capacity) =>
      capacity.learn !== false ||
      capacity.tokensPerMinute !== undefined ||
      capacity.requestsPerMinute !== undefined ||
      capacity.tokensPerDay !== undefined ||
      capacity.modelUnits !== undefined,
    {
      message:
        'declares nothing and turns learning off: add tokensPerMinute, requestsPerMinute, tokensPerDay or modelUnits, or remove learn: false',
      path: ['learn'],
    },
  );

/** An endpoint's capacity as written in a config. */
export type CapacityConfig = z.input<typeof capacitySchema>;
