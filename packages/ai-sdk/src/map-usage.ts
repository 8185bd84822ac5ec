import type { JSONObject, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';

/**
 * Converse token usage as the AI SDK's. Bedrock's `inputTokens` leaves out the tokens read from
 * and written to the prompt cache, so the total input is their sum.
 */
export function mapUsage(usage: TokenUsage | undefined): LanguageModelV4Usage {
  const noCache = usage?.inputTokens;
  const cacheRead = usage?.cacheReadInputTokens;
  const cacheWrite = usage?.cacheWriteInputTokens;
  const total = noCache === undefined ? undefined : noCache + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    inputTokens: { total, noCache, cacheRead, cacheWrite },
    outputTokens: { total: usage?.outputTokens, text: usage?.outputTokens, reasoning: undefined },
    ...(usage && { raw: JSON.parse(JSON.stringify(usage)) as JSONObject }),
  };
}
