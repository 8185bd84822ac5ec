import type { CapacityConfig } from '../config/capacity-schema.js';
import type { ConfigIssue } from '../config/config-error.js';
import { baseModelId, FALLBACK_MAX_OUTPUT_TOKENS, MODEL_CAPACITY } from './model-table.js';

/** The default window the per-minute figures are spread over: Bedrock's minute. */
export const DEFAULT_CAPACITY_WINDOW_MS = 60_000;

/** An endpoint's capacity after validation: figures resolved, defaults filled in. */
export interface Capacity {
  /** Declared (or derived from model units) figures; `undefined` where none was given. */
  readonly tokensPerMinute: number | undefined;
  readonly requestsPerMinute: number | undefined;
  readonly tokensPerDay: number | undefined;
  /** The model units the tokens per minute come from, when declared that way. */
  readonly modelUnits: number | undefined;
  /** What a request without maxTokens reserves for its output. */
  readonly defaultMaxTokens: number;
  readonly windowMs: number;
  /** Learn the tokens per minute from throttles (under any declared figure). */
  readonly learn: boolean;
}

/**
 * Resolves an endpoint's `capacity`: model units to tokens per minute through the model table
 * (or `tokensPerModelUnit`), the default maxTokens from the model, learning on when nothing is
 * declared. Adds an issue (and returns `undefined`) when model units cannot be priced.
 */
export function resolveCapacity(
  config: CapacityConfig,
  modelId: string,
  path: string,
  issues: ConfigIssue[],
): Capacity | undefined {
  const model = config.model ?? baseModelId(modelId);
  const known = model === undefined ? undefined : MODEL_CAPACITY[model];
  let tokensPerMinute = config.tokensPerMinute;
  if (config.modelUnits !== undefined) {
    const perUnit = config.tokensPerModelUnit ?? known?.tokensPerModelUnit;
    if (perUnit === undefined) {
      issues.push({
        path: `${path}.capacity.modelUnits`,
        message:
          model === undefined
            ? 'cannot be turned into tokens per minute: the model id does not name its model'
            : `cannot be turned into tokens per minute: bedrock-ha has no tokens-per-model-unit figure for "${model}"`,
        fix: `add capacity.tokensPerModelUnit (the PT's tokens a minute per model unit)${model === undefined ? ', or capacity.model (for example "anthropic.claude-3-haiku-20240307-v1:0")' : ''}, or declare capacity.tokensPerMinute instead`,
      });
      return undefined;
    }
    tokensPerMinute = config.modelUnits * perUnit;
  }
  const declared =
    tokensPerMinute !== undefined ||
    config.requestsPerMinute !== undefined ||
    config.tokensPerDay !== undefined;
  return {
    tokensPerMinute,
    requestsPerMinute: config.requestsPerMinute,
    tokensPerDay: config.tokensPerDay,
    modelUnits: config.modelUnits,
    defaultMaxTokens: config.defaultMaxTokens ?? known?.maxOutputTokens ?? FALLBACK_MAX_OUTPUT_TOKENS,
    windowMs: config.windowMs ?? DEFAULT_CAPACITY_WINDOW_MS,
    learn: config.learn ?? !declared,
  };
}
