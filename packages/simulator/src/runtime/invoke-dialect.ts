import type { Prompt, Reply } from '../responder.js';
import type { Call } from './runtime-handler.js';

/** A provider's InvokeModel body format. */
export interface InvokeDialect {
  /** Validates a request body (already parsed JSON) and extracts the prompt. */
  parse(request: Record<string, unknown>, call: Call): Prompt;
  /** The complete response body. */
  response(reply: Reply, call: Call): unknown;
  /** The native chunks a stream carries, in order; the last one carries invocation metrics. */
  chunks(reply: Reply, call: Call): { payload: unknown; content: boolean }[];
}

/** The metrics Bedrock appends to the last chunk of every InvokeModelWithResponseStream. */
export function invocationMetrics(reply: Reply, call: Call) {
  const { firstTokenMs, tokensPerSecond } = call.target.behaviour;
  return {
    inputTokenCount: reply.inputTokens,
    outputTokenCount: reply.outputTokens,
    invocationLatency: Math.round(
      firstTokenMs + (tokensPerSecond > 0 ? (reply.outputTokens * 1000) / tokensPerSecond : 0),
    ),
    firstByteLatency: Math.round(firstTokenMs),
    ...(reply.cache && {
      cacheReadInputTokenCount: reply.cache.readTokens,
      cacheWriteInputTokenCount: reply.cache.writeTokens,
    }),
  };
}

/**
 * Text of a message's `content`, which may be a string or an array of blocks with `text`; blocks
 * are joined with `separator` (a prefill's blocks are one text, so they join with none).
 */
export function contentText(content: unknown, separator = ' '): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block?.text === 'string' ? block.text : typeof block === 'string' ? block : ''))
    .filter((text) => text !== '')
    .join(separator);
}

/**
 * The question and prefill of a Messages-style conversation: with a final assistant turn, the
 * question is the last user turn and that assistant text is the prefill the model continues.
 */
export function questionAndPrefill(messages: unknown[]): { question: string; prefill?: string } {
  const last = messages.at(-1) as { role?: unknown; content?: unknown } | undefined;
  if (last?.role !== 'assistant') return { question: contentText(last?.content) };
  const asked = messages.findLast((message) => (message as { role?: unknown } | null)?.role === 'user') as
    | { content?: unknown }
    | undefined;
  return { question: contentText(asked?.content), prefill: contentText(last.content, '') };
}
