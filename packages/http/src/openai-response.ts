import { randomUUID } from 'node:crypto';
import type { StopReason, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseResult } from '@bedrock-ha/core';

/** OpenAI's finish reasons. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Bedrock's stop reason as OpenAI's finish reason. */
export function finishReasonOf(stopReason: StopReason | string | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/**
 * Bedrock's token usage as OpenAI's: OpenAI's prompt tokens include those read from or written to
 * the prompt cache (Bedrock counts them apart), and `prompt_tokens_details.cached_tokens` are the
 * ones read.
 */
export function usageOf(usage: TokenUsage | undefined) {
  const cachedTokens = usage?.cacheReadInputTokens ?? 0;
  const promptTokens = (usage?.inputTokens ?? 0) + cachedTokens + (usage?.cacheWriteInputTokens ?? 0);
  const completionTokens = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: usage?.totalTokens ?? promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}

/** A `chatcmpl-` id for a response. */
export function completionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

/** A Converse result as an OpenAI `chat.completion`; `model` is the chain's name. */
export function toChatCompletion(result: ConverseResult, model: string) {
  const blocks = result.output?.message?.content ?? [];
  const texts = blocks.flatMap((block) => (block.text === undefined ? [] : [block.text]));
  const toolCalls = blocks.flatMap((block, index) =>
    block.toolUse === undefined
      ? []
      : [
          {
            id: block.toolUse.toolUseId ?? `call_${index}`,
            type: 'function' as const,
            function: {
              name: block.toolUse.name ?? '',
              arguments: JSON.stringify(block.toolUse.input ?? {}),
            },
          },
        ],
  );
  return {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : null,
          refusal: null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReasonOf(result.stopReason),
      },
    ],
    usage: usageOf(result.usage),
    // The tier Bedrock served at, when one was asked for.
    ...(result.serviceTier?.type && { service_tier: result.serviceTier.type }),
  };
}

/** OpenAI's model list: one entry per chain. */
export function modelList(chains: readonly string[]) {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: 'list',
    data: chains.map((id) => ({ id, object: 'model', created, owned_by: 'bedrock-ha' })),
  };
}
