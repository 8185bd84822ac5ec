import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { openaiErrorBody } from './error-bodies.js';
import { describeFailure } from './failure.js';
import { completionId, type FinishReason, finishReasonOf, usageOf } from './openai-response.js';
import type { Upstream } from './stream-body.js';

const encoder = new TextEncoder();

/** One server-sent event carrying JSON. */
function sse(data: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(data)}\n\n`);
}

const DONE = encoder.encode('data: [DONE]\n\n');

/** Options of {@link chatCompletionChunks}. */
export interface ChunkOptions {
  /** The chain's name, reported as the model. */
  readonly model: string;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  readonly includeUsage: boolean;
  readonly signal?: AbortSignal;
}

/**
 * A ConverseStream as OpenAI `chat.completion.chunk` server-sent events, pulled one upstream event
 * at a time: the role first, then content and tool-call deltas, the finish reason, the usage when
 * asked, and `[DONE]`. A failure after the first chunk becomes one `{"error"}` event and ends the
 * stream (what was sent is not repeated); the generator returns that error, for the log.
 */
export async function* chatCompletionChunks(
  upstream: Upstream<ConverseStreamOutput>,
  options: ChunkOptions,
): AsyncGenerator<Uint8Array, unknown, undefined> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finishReason: FinishReason | null = null) =>
    sse({
      id,
      object: 'chat.completion.chunk',
      created,
      model: options.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
  // Bedrock numbers content blocks; OpenAI numbers tool calls.
  const toolCalls = new Map<number, number>();
  const toolCallOf = (block: number) => {
    if (!toolCalls.has(block)) toolCalls.set(block, toolCalls.size);
    return toolCalls.get(block)!;
  };
  yield chunk({ role: 'assistant', content: '' });
  try {
    for (;;) {
      const next = await upstream.next();
      if (next.done) break;
      const event = next.value;
      const start = event.contentBlockStart;
      const delta = event.contentBlockDelta?.delta;
      if (start?.start?.toolUse) {
        const { toolUseId, name } = start.start.toolUse;
        const index = toolCallOf(start.contentBlockIndex ?? 0);
        yield chunk({
          tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }],
        });
      } else if (delta?.text !== undefined) {
        yield chunk({ content: delta.text });
      } else if (delta?.toolUse?.input !== undefined) {
        const index = toolCallOf(event.contentBlockDelta?.contentBlockIndex ?? 0);
        yield chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] });
      } else if (event.messageStop) {
        yield chunk({}, finishReasonOf(event.messageStop.stopReason));
      } else if (event.metadata && options.includeUsage) {
        yield sse({
          id,
          object: 'chat.completion.chunk',
          created,
          model: options.model,
          choices: [],
          usage: usageOf(event.metadata.usage),
        });
      }
    }
  } catch (error) {
    yield sse(openaiErrorBody(describeFailure(error, options.signal)));
    return error;
  }
  yield DONE;
  return undefined;
}
