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
  };
}

/** Text of a message's `content`, which may be a string or an array of blocks with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block?.text === 'string' ? block.text : typeof block === 'string' ? block : ''))
    .filter((text) => text !== '')
    .join(' ');
}
