import type { ConverseStreamOutput, ResponseStream } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../telemetry/instrumentation.js';

/** What the engine reads from one event of a stream. */
export interface StreamEventInfo {
  /** The event carries content: text, or the start of a tool call. */
  readonly content: boolean;
  /** Text the event adds to the answer. */
  readonly text?: string | undefined;
  /** The event ends the message. */
  readonly stop: boolean;
  readonly usage?: Usage | undefined;
  readonly finishReason?: string | undefined;
}

/** Reads a ConverseStream event. */
export function converseEventInfo(event: ConverseStreamOutput): StreamEventInfo {
  if (event.contentBlockDelta) {
    const text = event.contentBlockDelta.delta?.text;
    return { content: true, text, stop: false };
  }
  if (event.contentBlockStart)
    return { content: event.contentBlockStart.start?.toolUse !== undefined, stop: false };
  if (event.messageStop) return { content: false, stop: true, finishReason: event.messageStop.stopReason };
  if (event.metadata?.usage) {
    const { inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens } = event.metadata.usage;
    return {
      content: false,
      stop: false,
      usage: { inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens },
    };
  }
  return { content: false, stop: false };
}

const decoder = new TextDecoder();

/**
 * Reads an InvokeModelWithResponseStream chunk. Chunks are model-specific JSON; Anthropic Messages
 * (`content_block_delta`, `message_stop`) and Amazon Nova (`contentBlockDelta`, `messageStop`)
 * bodies are understood. A chunk of another shape counts as content, so failover stops at the first
 * chunk of a model this does not know, which is the safe side.
 */
export function invokeChunkInfo(event: ResponseStream): StreamEventInfo {
  if (!event.chunk?.bytes) return { content: false, stop: false };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(decoder.decode(event.chunk.bytes)) as Record<string, unknown>;
  } catch {
    return { content: true, stop: false };
  }
  return anthropicChunkInfo(body) ?? novaChunkInfo(body) ?? { content: true, stop: false };
}

// biome-ignore lint/suspicious/noExplicitAny: model JSON of unknown shape, read through optional chains only.
type Json = Record<string, any>;

function anthropicChunkInfo(body: Json): StreamEventInfo | undefined {
  switch (body.type) {
    case 'message_start':
      return { content: false, stop: false, usage: anthropicUsage(body.message?.usage) };
    case 'content_block_start':
      return { content: body.content_block?.type === 'tool_use', stop: false };
    case 'content_block_delta':
      return { content: true, text: body.delta?.text, stop: false };
    case 'content_block_stop':
    case 'ping':
      return { content: false, stop: false };
    case 'message_delta':
      return {
        content: false,
        stop: false,
        finishReason: body.delta?.stop_reason ?? undefined,
        usage: { outputTokens: body.usage?.output_tokens },
      };
    case 'message_stop': {
      const metrics = body['amazon-bedrock-invocationMetrics'];
      return {
        content: false,
        stop: true,
        usage: metrics && {
          inputTokens: metrics.inputTokenCount,
          outputTokens: metrics.outputTokenCount,
          cacheReadInputTokens: metrics.cacheReadInputTokenCount,
          cacheWriteInputTokens: metrics.cacheWriteInputTokenCount,
        },
      };
    }
    default:
      return undefined;
  }
}

/** Anthropic's `usage` (the message's start): input tokens and the prompt cache's reads and writes. */
function anthropicUsage(usage: Json | undefined): Usage {
  return {
    inputTokens: usage?.input_tokens,
    cacheReadInputTokens: usage?.cache_read_input_tokens,
    cacheWriteInputTokens: usage?.cache_creation_input_tokens,
  };
}

/** Nova's `usage`; its prompt-cache counts are named `cache*InputTokenCount`. */
function novaUsage(usage: Json): Usage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadInputTokens: usage.cacheReadInputTokenCount ?? usage.cacheReadInputTokens,
    cacheWriteInputTokens: usage.cacheWriteInputTokenCount ?? usage.cacheWriteInputTokens,
  };
}

function novaChunkInfo(body: Json): StreamEventInfo | undefined {
  if (body.messageStart) return { content: false, stop: false };
  if (body.contentBlockDelta) return { content: true, text: body.contentBlockDelta.delta?.text, stop: false };
  if (body.contentBlockStart)
    return { content: body.contentBlockStart.start?.toolUse !== undefined, stop: false };
  if (body.contentBlockStop) return { content: false, stop: false };
  if (body.messageStop) return { content: false, stop: true, finishReason: body.messageStop.stopReason };
  if (body.metadata) {
    const usage = body.metadata.usage;
    return {
      content: false,
      stop: false,
      usage: usage && novaUsage(usage),
    };
  }
  return undefined;
}

/** Usage and stop reason of an InvokeModel response body (Anthropic Messages or Nova). */
export function invokeBodyInfo(body: Uint8Array): { usage?: Usage; finishReasons?: string[]; text?: string } {
  try {
    const json = JSON.parse(decoder.decode(body)) as Json;
    if (json.usage?.input_tokens !== undefined)
      return {
        usage: {
          inputTokens: json.usage.input_tokens,
          outputTokens: json.usage.output_tokens,
          cacheReadInputTokens: json.usage.cache_read_input_tokens,
          cacheWriteInputTokens: json.usage.cache_creation_input_tokens,
        },
        finishReasons: json.stop_reason ? [json.stop_reason] : [],
        text: (json.content ?? []).map((block: Json) => block.text ?? '').join(''),
      };
    if (json.usage?.inputTokens !== undefined)
      return {
        usage: novaUsage(json.usage),
        finishReasons: json.stopReason ? [json.stopReason] : [],
        text: (json.output?.message?.content ?? []).map((block: Json) => block.text ?? '').join(''),
      };
  } catch {
    // Not JSON: nothing to report.
  }
  return {};
}
