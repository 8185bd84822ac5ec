/** What bedrock-ha knows of one model's capacity. */
export interface ModelCapacity {
  /**
   * Tokens a minute one Provisioned Throughput model unit gives. AWS quotes a PT's throughput per
   * model on request and does not publish it: these figures are illustrative (the simulator's),
   * and `capacity.tokensPerModelUnit` overrides them.
   */
  readonly tokensPerModelUnit: number;
  /** The largest output the model allows: what Bedrock reserves for a request without maxTokens. */
  readonly maxOutputTokens: number;
}

/** Per base model id (no `:48k` suffix, no `us.` profile prefix). */
export const MODEL_CAPACITY: Readonly<Record<string, ModelCapacity>> = {
  'anthropic.claude-3-haiku-20240307-v1:0': { tokensPerModelUnit: 20_000, maxOutputTokens: 4_096 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { tokensPerModelUnit: 20_000, maxOutputTokens: 8_192 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { tokensPerModelUnit: 10_000, maxOutputTokens: 8_192 },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { tokensPerModelUnit: 10_000, maxOutputTokens: 64_000 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { tokensPerModelUnit: 10_000, maxOutputTokens: 64_000 },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': { tokensPerModelUnit: 10_000, maxOutputTokens: 64_000 },
  'anthropic.claude-haiku-4-5-20251001-v1:0': { tokensPerModelUnit: 20_000, maxOutputTokens: 64_000 },
  'amazon.nova-micro-v1:0': { tokensPerModelUnit: 60_000, maxOutputTokens: 10_000 },
  'amazon.nova-lite-v1:0': { tokensPerModelUnit: 40_000, maxOutputTokens: 10_000 },
  'amazon.nova-pro-v1:0': { tokensPerModelUnit: 15_000, maxOutputTokens: 10_000 },
};

/** What a request without maxTokens reserves for a model bedrock-ha does not know. */
export const FALLBACK_MAX_OUTPUT_TOKENS = 4_096;

const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\./;

/**
 * The base model id a model id, foundation-model ARN or inference profile id names, or
 * `undefined` for an ARN that does not name its model (a PT, an application profile).
 */
export function baseModelId(modelId: string): string | undefined {
  if (modelId.startsWith('arn:')) {
    const foundation = /:foundation-model\/(.+)$/.exec(modelId)?.[1];
    const profile = /:inference-profile\/(.+)$/.exec(modelId)?.[1];
    const named = foundation ?? profile;
    return named === undefined ? undefined : baseModelId(named);
  }
  return modelId.replace(PROFILE_PREFIX, '').replace(/:\d+k$/, '');
}
