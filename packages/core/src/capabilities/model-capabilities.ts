import { baseModelId } from '../capacity/model-table.js';
import type { ServiceTier } from '../config/service-tier-schema.js';

/**
 * What a model can take in a request. Each field left `undefined` is unknown, and an unknown
 * capability never makes the chain skip an endpoint: the endpoint is tried, and Bedrock decides.
 */
export interface ModelCapabilities {
  /** Input tokens plus `maxTokens` the model takes at most. */
  readonly contextWindow?: number | undefined;
  /** Tool use (Converse `toolConfig`, a body's `tools`). */
  readonly tools?: boolean | undefined;
  /** Image content blocks. */
  readonly images?: boolean | undefined;
  /** Document content blocks (PDF, CSV, text files). */
  readonly documents?: boolean | undefined;
  /** Structured output: Converse `outputConfig.textFormat` (a JSON schema). */
  readonly structuredOutput?: boolean | undefined;
  /** `performanceConfig: { latency: 'optimized' }` (latency-optimized inference). */
  readonly performanceConfig?: boolean | undefined;
  /** The service tiers the model is offered at; a tier outside it is refused. */
  readonly serviceTiers?: readonly ServiceTier[] | undefined;
  /** Prompt caching: `cachePoint` blocks (Anthropic bodies: `cache_control`). */
  readonly cachePoint?: boolean | undefined;
}

const CLAUDE_3: ModelCapabilities = {
  contextWindow: 200_000,
  tools: true,
  images: true,
  documents: true,
  structuredOutput: false,
};
const CLAUDE_4: ModelCapabilities = { ...CLAUDE_3, cachePoint: true };
const CLAUDE_4_5: ModelCapabilities = { ...CLAUDE_4, structuredOutput: true };
const NOVA: ModelCapabilities = { tools: true, images: true, documents: true, cachePoint: true };
const LLAMA_3_1: ModelCapabilities = {
  contextWindow: 128_000,
  tools: true,
  images: false,
  cachePoint: false,
};
const TEXT_ONLY: ModelCapabilities = { images: false, cachePoint: false };

/**
 * Bedrock's models as AWS documents them (context windows, the Converse API's supported-features
 * table, prompt caching, latency-optimized inference), by base model id. Only what is documented
 * is filled in; the rest stays unknown. An endpoint's `capabilities` in the config overrides any
 * field, for a model missing here or one that changed.
 */
export const MODEL_CAPABILITIES: Readonly<Record<string, ModelCapabilities>> = {
  'anthropic.claude-3-haiku-20240307-v1:0': CLAUDE_3,
  'anthropic.claude-3-sonnet-20240229-v1:0': CLAUDE_3,
  'anthropic.claude-3-opus-20240229-v1:0': CLAUDE_3,
  'anthropic.claude-3-5-sonnet-20240620-v1:0': CLAUDE_3,
  'anthropic.claude-3-5-sonnet-20241022-v2:0': CLAUDE_3,
  // Text only; the one Claude with latency-optimized inference.
  'anthropic.claude-3-5-haiku-20241022-v1:0': {
    ...CLAUDE_3,
    images: false,
    documents: undefined,
    cachePoint: true,
    performanceConfig: true,
  },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { ...CLAUDE_3, cachePoint: true },
  'anthropic.claude-sonnet-4-20250514-v1:0': CLAUDE_4,
  'anthropic.claude-opus-4-20250514-v1:0': CLAUDE_4,
  'anthropic.claude-opus-4-1-20250805-v1:0': CLAUDE_4_5,
  'anthropic.claude-sonnet-4-5-20250929-v1:0': CLAUDE_4_5,
  'anthropic.claude-haiku-4-5-20251001-v1:0': CLAUDE_4_5,
  'anthropic.claude-opus-4-5-20251101-v1:0': CLAUDE_4_5,
  'amazon.nova-micro-v1:0': { contextWindow: 128_000, tools: true, images: false, cachePoint: true },
  'amazon.nova-lite-v1:0': { ...NOVA, contextWindow: 300_000 },
  'amazon.nova-pro-v1:0': { ...NOVA, contextWindow: 300_000, performanceConfig: true },
  'amazon.nova-premier-v1:0': { ...NOVA, contextWindow: 1_000_000 },
  'meta.llama3-8b-instruct-v1:0': { ...TEXT_ONLY, contextWindow: 8_000, tools: false },
  'meta.llama3-70b-instruct-v1:0': { ...TEXT_ONLY, contextWindow: 8_000, tools: false },
  'meta.llama3-1-8b-instruct-v1:0': LLAMA_3_1,
  'meta.llama3-1-70b-instruct-v1:0': { ...LLAMA_3_1, performanceConfig: true },
  'meta.llama3-1-405b-instruct-v1:0': { ...LLAMA_3_1, performanceConfig: true },
  'meta.llama3-2-1b-instruct-v1:0': { ...TEXT_ONLY, contextWindow: 128_000 },
  'meta.llama3-2-3b-instruct-v1:0': { ...TEXT_ONLY, contextWindow: 128_000 },
  'meta.llama3-2-11b-instruct-v1:0': { ...LLAMA_3_1, images: true },
  'meta.llama3-2-90b-instruct-v1:0': { ...LLAMA_3_1, images: true },
  'meta.llama3-3-70b-instruct-v1:0': LLAMA_3_1,
  'mistral.mistral-7b-instruct-v0:2': { ...TEXT_ONLY, contextWindow: 32_000, tools: false },
  'mistral.mixtral-8x7b-instruct-v0:1': { ...TEXT_ONLY, contextWindow: 32_000, tools: false },
  'mistral.mistral-small-2402-v1:0': { ...TEXT_ONLY, contextWindow: 32_000, tools: true },
  'mistral.mistral-large-2402-v1:0': { ...TEXT_ONLY, contextWindow: 32_000, tools: true },
  'mistral.mistral-large-2407-v1:0': { ...TEXT_ONLY, contextWindow: 128_000, tools: true },
  'cohere.command-r-v1:0': { ...TEXT_ONLY, contextWindow: 128_000, tools: true },
  'cohere.command-r-plus-v1:0': { ...TEXT_ONLY, contextWindow: 128_000, tools: true },
  'deepseek.r1-v1:0': { ...TEXT_ONLY, contextWindow: 128_000, tools: false },
};

/**
 * The capabilities bedrock-ha knows for a model id, foundation-model ARN or inference profile id
 * (`us.`, `eu.`, `global.` prefixes), or `{}` (all unknown). `model` names the base model when the
 * id does not (a Provisioned Throughput's ARN); a PT's context suffix (`:48k`) caps the window.
 */
export function knownCapabilities(modelId: string, model?: string): ModelCapabilities {
  const base = baseModelId(model ?? modelId);
  const known = (base === undefined ? undefined : MODEL_CAPABILITIES[base]) ?? {};
  const variant = /:(\d+)k$/.exec(model ?? modelId)?.[1];
  if (variant === undefined || known.contextWindow === undefined) return known;
  return { ...known, contextWindow: Math.min(known.contextWindow, Number(variant) * 1_000) };
}
