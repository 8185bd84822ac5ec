import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { openaiErrorBody } from './error-bodies.js';
import { describeFailure } from './failure.js';
import { completionId, type FinishReason, finishReasonOf, usageOf } from './openai-response.js';
import type { BodyEncoding } from './stream-body.js';

/** One server-sent event carrying JSON. */
function sse(data: unknown): Uint8Array {
  return Buffer.from(`data: ${JSON.stringify(data)}\n\n`);
}

const DONE = Buffer.from('data: [DONE]\n\n');

/** Options of {@link chatCompletionChunks}. */
export interface ChunkOptions {
  /** The chain's name, reported as the model. */
  readonly model: string;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  readonly includeUsage: boolean;
  readonly signal?: AbortSignal;
}

/**
 * A ConverseStream as OpenAI `chat.completion.chunk` server-sent events, one upstream event at a
 * time: the role first, then content and tool-call deltas, the finish reason, the usage when
 * asked, and `[DONE]`. A failure after the first chunk becomes one `{"error"}` event and ends the
 * stream (what was sent is not repeated).
 */
export function chatCompletionChunks(options: ChunkOptions): BodyEncoding<ConverseStreamOutput> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  // Every chunk is `{id, object, created, model, choices: [{index, delta, logprobs, finish_reason}]}`:
  // the JSON around its delta is built once, so a text delta costs one JSON string of its text
  // (issue 20). The bytes are JSON.stringify's of the whole object, members in the same order.
  const before = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(options.model)},"choices":[{"index":0,"delta":`;
  const chunk = (delta: string, finishReason: FinishReason | null = null) =>
    Buffer.from(`${before}${delta},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]}\n\n`);
  // Bedrock numbers content blocks; OpenAI numbers tool calls.
  const toolCalls = new Map<number, number>();
  const toolCallOf = (block: number) => {
    if (!toolCalls.has(block)) toolCalls.set(block, toolCalls.size);
    return toolCalls.get(block)!;
  };
  return {
    opening: chunk(JSON.stringify({ role: 'assistant', content: '' })),
    event(event) {
      const start = event.contentBlockStart;
      const delta = event.contentBlockDelta?.delta;
      if (start?.start?.toolUse) {
        const { toolUseId, name } = start.start.toolUse;
        const index = toolCallOf(start.contentBlockIndex ?? 0);
        return chunk(
          JSON.stringify({
            tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }],
          }),
        );
      }
      if (delta?.text !== undefined) return chunk(`{"content":${JSON.stringify(delta.text)}}`);
      if (delta?.toolUse?.input !== undefined) {
        const index = toolCallOf(event.contentBlockDelta?.contentBlockIndex ?? 0);
        return chunk(
          JSON.stringify({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] }),
        );
      }
      if (event.messageStop) return chunk('{}', finishReasonOf(event.messageStop.stopReason));
      if (event.metadata && options.includeUsage)
        return sse({
          id,
          object: 'chat.completion.chunk',
          created,
          model: options.model,
          choices: [],
          usage: usageOf(event.metadata.usage),
        });
      return undefined;
    },
    closing: DONE,
    failure: (error) => sse(openaiErrorBody(describeFailure(error, options.signal))),
  };
}
