import type { BedrockHA } from '@bedrock-ha/core';

/**
 * Model families whose Converse takes `outputConfig.textFormat` (Bedrock's structured output),
 * matched as prefixes of the model id after a cross-region profile's geography (`us.`, `eu.`, ...)
 * and any ARN prefix are taken off. Every other model, and every Provisioned Throughput or
 * application inference profile (whose ARN does not name the model), gets a forced tool call
 * instead, which every Bedrock tool-use model honours.
 */
export const NATIVE_STRUCTURED_OUTPUT_MODELS: readonly string[] = [
  'anthropic.claude-sonnet-4-5',
  'anthropic.claude-haiku-4-5',
  'anthropic.claude-opus-4-5',
  'anthropic.claude-opus-4-1',
];

const GEOGRAPHY = /^(?:us|eu|apac|global|jp|au|ca|us-gov)\./;

/** Whether a model id (or a foundation-model or inference-profile ARN) takes `outputConfig.textFormat`. */
export function supportsNativeStructuredOutput(modelId: string): boolean {
  const id = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  const model = id.replace(GEOGRAPHY, '');
  return NATIVE_STRUCTURED_OUTPUT_MODELS.some((prefix) => model.startsWith(prefix));
}

// Chains never change after the engine is built, so each answer is computed once per engine.
const decided = new WeakMap<BedrockHA, Map<string, boolean>>();

/**
 * Whether every endpoint of a chain takes `outputConfig.textFormat`: a request fails over, so the
 * mechanism must work wherever it lands.
 */
export function chainSupportsNativeStructuredOutput(ha: BedrockHA, chain: string): boolean {
  let byChain = decided.get(ha);
  if (!byChain) {
    byChain = new Map();
    decided.set(ha, byChain);
  }
  let answer = byChain.get(chain);
  if (answer === undefined) {
    const endpoints = ha.health().filter((endpoint) => endpoint.chains.includes(chain));
    answer =
      endpoints.length > 0 && endpoints.every((endpoint) => supportsNativeStructuredOutput(endpoint.modelId));
    byChain.set(chain, answer);
  }
  return answer;
}
