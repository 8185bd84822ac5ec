import { randomFillSync } from 'node:crypto';
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

// Random bytes for completion ids, drawn 256 ids at a time (as randomUUID pools its own): one
// system call per 256 answers instead of one UUID and a string rewrite per answer.
const ID_BYTES = 16;
const idPool = Buffer.alloc(ID_BYTES * 256);
let idOffset = idPool.length;

/** A `chatcmpl-` id for a response: 128 random bits as 32 hex digits. */
export function completionId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const hex = idPool.toString('hex', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return `chatcmpl-${hex}`;
}

type ToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
};

/** A Converse result as an OpenAI `chat.completion`; `model` is the chain's name. */
export function toChatCompletion(result: ConverseResult, model: string) {
  // One pass over the blocks: the texts joined, the tool calls in order.
  let content: string | null = null;
  const toolCalls: ToolCall[] = [];
  const blocks = result.output?.message?.content ?? [];
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    if (block.text !== undefined) content = content === null ? block.text : content + block.text;
    if (block.toolUse !== undefined) {
      toolCalls.push({
        id: block.toolUse.toolUseId ?? `call_${index}`,
        type: 'function',
        function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    }
  }
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
          content,
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
