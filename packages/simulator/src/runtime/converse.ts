import { validationError } from '../errors.js';
import { eventFrame, rawEventFrame } from '../event-stream.js';
import { converseCachePoints } from '../prompt-cache/cache-points.js';
import { isRejectedPrefill, PREFILL_TRAILING_WHITESPACE, type Prompt, type Reply } from '../responder.js';
import { EVENT_STREAM_HEADERS, type StreamEvent, writeEventStream } from './event-stream-writer.js';
import { paceCompleteAnswer } from './pacing.js';
import { type Call, parseJsonBody, type RuntimeHandler, sendHtmlError } from './runtime-handler.js';
import { textFormatSchemaOf, toolInputSchemaOf } from './structured-output.js';

interface ContentBlock {
  text?: unknown;
  toolResult?: { content?: { text?: unknown }[] };
}

/** Validates a Converse/ConverseStream body the way Bedrock does and extracts the prompt. */
function parseConverse(body: Buffer, call: Call): Prompt {
  const request = parseJsonBody(body);
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw validationError(
      'The model returned the following errors: messages: at least one message is required',
    );
  }
  const texts: string[] = [];
  for (const [index, message] of messages.entries()) {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    if (role !== 'user' && role !== 'assistant') {
      throw validationError(`messages.${index}.role: must be one of [user, assistant]`);
    }
    if (index === 0 && role !== 'user') {
      throw validationError(
        'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
      );
    }
    if (index > 0 && role === (messages[index - 1] as { role?: unknown }).role) {
      throw validationError(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    }
    if (!Array.isArray(content) || content.length === 0) {
      throw validationError(
        `The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    }
    for (const [position, block] of (content as ContentBlock[]).entries()) {
      const at = `messages.${index}.content.${position}`;
      rejectBlank(block.text, `ContentBlock object at ${at}`);
      if (typeof block.text === 'string') texts.push(block.text);
      for (const [part, result] of (block.toolResult?.content ?? []).entries()) {
        rejectBlank(result.text, `ToolResultContentBlock object at ${at}.toolResult.content.${part}`);
        if (typeof result.text === 'string') texts.push(result.text);
      }
    }
  }
  // Roles alternate, so a final assistant turn (a prefill) follows the user turn it answers.
  const last = messages.at(-1) as { role: string; content: ContentBlock[] };
  const asked = (last.role === 'user' ? last : messages.at(-2)) as { content: ContentBlock[] };
  const question = asked.content.map((block) => block.text ?? '').join(' ');
  const prefill =
    last.role === 'assistant'
      ? last.content.map((block) => (typeof block.text === 'string' ? block.text : '')).join('')
      : undefined;
  if (call.target.model.dialect === 'anthropic-messages' && isRejectedPrefill(prefill)) {
    throw validationError(`The model returned the following errors: ${PREFILL_TRAILING_WHITESPACE}`);
  }

  const config = (request.inferenceConfig ?? {}) as Record<string, unknown>;
  const maxTokens = config.maxTokens;
  const { model } = call.target;
  if (maxTokens !== undefined) {
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      throw validationError('inferenceConfig.maxTokens: must be a positive integer');
    }
    if (maxTokens > model.maxOutputTokens) {
      throw validationError(
        `The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.maxOutputTokens}.`,
      );
    }
  }
  for (const name of ['temperature', 'topP'] as const) {
    const value = config[name];
    if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
      throw validationError(`inferenceConfig.${name}: must be a number between 0 and 1`);
    }
  }
  const tool = forcedTool(request.toolConfig);
  const system = Array.isArray(request.system) ? (request.system as { text?: unknown }[]) : [];
  for (const block of system) if (typeof block.text === 'string') texts.unshift(block.text);

  return {
    question,
    inputText: texts.join('\n'),
    maxTokens: maxTokens as number | undefined,
    stopSequences: Array.isArray(config.stopSequences) ? (config.stopSequences as string[]) : undefined,
    outputTokens: call.target.behaviour.outputTokens,
    forcedTool: tool,
    forcedToolSchema: toolInputSchemaOf(request.toolConfig, tool),
    jsonSchema: textFormatSchemaOf(request, model),
    serviceTier: serviceTierOf(request.serviceTier),
    prefill,
    cachePoints: converseCachePoints(request),
  };
}

/** `serviceTier: { type }`; a field without a `type` string is an invalid tier. */
function serviceTierOf(field: unknown): unknown {
  if (field === undefined) return undefined;
  return (field as { type?: unknown } | null)?.type ?? '';
}

/** Bedrock rejects a text block that is empty or only white space, before any model sees it. */
function rejectBlank(text: unknown, where: string): void {
  if (typeof text === 'string' && text.trim() === '') {
    throw validationError(
      `The text field in the ${where} is blank. Add text to the text field, and try again.`,
    );
  }
}

function forcedTool(toolConfig: unknown): string | undefined {
  const config = toolConfig as
    | { tools?: { toolSpec?: { name?: string } }[]; toolChoice?: { tool?: { name?: string }; any?: unknown } }
    | undefined;
  if (!config?.toolChoice) return undefined;
  if (config.toolChoice.tool?.name) return config.toolChoice.tool.name;
  if (config.toolChoice.any !== undefined)
    return config.tools?.find((tool) => tool.toolSpec?.name)?.toolSpec?.name;
  return undefined;
}

function usage(reply: Reply) {
  const read = reply.cache?.readTokens ?? 0;
  const write = reply.cache?.writeTokens ?? 0;
  return {
    inputTokens: reply.inputTokens,
    outputTokens: reply.outputTokens,
    totalTokens: reply.inputTokens + reply.outputTokens + read + write,
    ...(reply.cache && { cacheReadInputTokens: read, cacheWriteInputTokens: write }),
  };
}

/** The Converse response body for a reply. */
export function converseBody(reply: Reply, latencyMs: number) {
  const content = reply.toolUse ? [{ toolUse: reply.toolUse }] : [{ text: reply.text }];
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: reply.stopReason,
    usage: usage(reply),
    metrics: { latencyMs },
    ...(reply.serviceTier !== undefined && { serviceTier: { type: reply.serviceTier } }),
  };
}

/** Converse: one JSON answer. */
export const converseHandler: RuntimeHandler = {
  parse: parseConverse,
  async respond(call, reply) {
    if (!(await paceCompleteAnswer(call, reply))) return 'aborted';
    call.exchange.json(200, converseBody(reply, Math.round(call.elapsedMs())));
    return 'success';
  },
  malformed(call, variant, reply) {
    if (variant === 'html') return sendHtmlError(call.exchange);
    const json = JSON.stringify(converseBody(reply, 0));
    call.exchange.send(200, json.slice(0, Math.floor(json.length / 2)), {
      'content-type': 'application/json',
    });
  },
};

/** The ConverseStream events for a reply, in the order Bedrock sends them. */
export function converseStreamEvents(reply: Reply, latencyMs: number): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'messageStart', payload: { role: 'assistant' } }];
  if (reply.toolUse) {
    const { toolUseId, name, input } = reply.toolUse;
    events.push(
      {
        type: 'contentBlockStart',
        payload: { contentBlockIndex: 0, start: { toolUse: { toolUseId, name } } },
      },
      {
        type: 'contentBlockDelta',
        payload: { contentBlockIndex: 0, delta: { toolUse: { input: JSON.stringify(input) } } },
        content: true,
      },
    );
  } else {
    for (const piece of reply.pieces) {
      events.push({
        type: 'contentBlockDelta',
        payload: { contentBlockIndex: 0, delta: { text: piece } },
        content: true,
      });
    }
  }
  events.push(
    { type: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
    { type: 'messageStop', payload: { stopReason: reply.stopReason } },
    {
      type: 'metadata',
      payload: {
        usage: usage(reply),
        metrics: { latencyMs },
        ...(reply.serviceTier !== undefined && { serviceTier: { type: reply.serviceTier } }),
      },
    },
  );
  return events;
}

/** ConverseStream: the answer as an event stream, token by token. */
export const converseStreamHandler: RuntimeHandler = {
  parse: parseConverse,
  respond(call, reply) {
    const { firstTokenMs, tokensPerSecond } = call.target.behaviour;
    const latencyMs = Math.round(
      firstTokenMs + (tokensPerSecond > 0 ? (reply.outputTokens * 1000) / tokensPerSecond : 0),
    );
    return writeEventStream(call, converseStreamEvents(reply, latencyMs), {});
  },
  async malformed(call, variant, reply) {
    if (variant === 'html') return sendHtmlError(call.exchange);
    const events = converseStreamEvents(reply, 0);
    if (variant === 'bad-crc') {
      await writeEventStream(call, events, {}, { corruptAt: 1 });
      return;
    }
    // A payload that is not JSON: the SDK fails to deserialize the event.
    call.exchange.startStream(EVENT_STREAM_HEADERS);
    await call.exchange.write(eventFrame('messageStart', { role: 'assistant' }));
    await call.exchange.write(rawEventFrame('contentBlockDelta', '{"contentBlockIndex":0,"delta":{"te'));
    call.exchange.end();
  },
};
