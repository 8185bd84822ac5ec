import type {
  ContentBlock,
  ImageFormat,
  Message,
  SystemContentBlock,
  ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import type { ConverseInput } from '@bedrock-ha/core';
import { invalidRequest } from './failure.js';
import type { ChatCompletionRequest, ChatMessage } from './openai-schema.js';

type ConversationMessage = Exclude<ChatMessage, { role: 'system' | 'developer' }>;
type Part = { readonly type: string; readonly [key: string]: unknown };

// Bedrock rejects a tool result with blank text; a tool that printed nothing still answered.
const EMPTY_TOOL_RESULT = '(empty)';

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Maps a validated chat completion request to the Converse input of its chain. */
export function toConverseInput(request: ChatCompletionRequest): ConverseInput {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  request.messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.role === 'system' || message.role === 'developer') {
      for (const text of textsOf(message.content, `${at}.content`)) system.push({ text });
      if (typeof message.content !== 'string' && message.content.some(asksForCachePoint))
        system.push(CACHE_POINT);
      return;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content = contentOf(message as ConversationMessage, at);
    // An assistant turn with nothing in it says nothing; Bedrock would reject it as blank.
    if (content.length === 0) return;
    const last = messages.at(-1);
    // Bedrock wants user and assistant turns to alternate; OpenAI's consecutive same-role messages
    // (several tool results, a user note after them) are one Bedrock turn.
    if (last?.role === role) last.content = [...(last.content ?? []), ...content];
    else messages.push({ role, content });
  });
  return {
    messages,
    ...(system.length > 0 && { system }),
    ...inferenceConfigOf(request),
    ...toolConfigOf(request, messages),
    ...serviceTierOf(request),
  };
}

/**
 * OpenAI's `service_tier` as Bedrock's: `priority`, `default` and `flex` exist in both; `auto` and
 * OpenAI's others (`scale`) leave the choice to the chain. An endpoint's own tier overrides it.
 */
function serviceTierOf(request: ChatCompletionRequest): Pick<ConverseInput, 'serviceTier'> {
  const tier = request.service_tier;
  return tier === 'priority' || tier === 'default' || tier === 'flex' ? { serviceTier: { type: tier } } : {};
}

function contentOf(message: ConversationMessage, at: string): ContentBlock[] {
  if (message.role === 'tool') {
    const content = textsOf(message.content, `${at}.content`).map((text) => ({ text }));
    if (content.length === 0) content.push({ text: EMPTY_TOOL_RESULT });
    return [{ toolResult: { toolUseId: message.tool_call_id, content } }];
  }
  if (message.role === 'user') {
    const blocks = partsOf(message.content, `${at}.content`);
    if (blocks.length === 0) {
      throw invalidRequest(
        `\`${at}.content\` is empty or only white space, which Bedrock rejects; send the user's text, or leave the message out.`,
        `${at}.content`,
      );
    }
    return blocks;
  }
  const blocks = message.content == null ? [] : partsOf(message.content, `${at}.content`);
  message.tool_calls?.forEach((call, index) => {
    blocks.push({
      toolUse: {
        toolUseId: call.id,
        name: call.function.name,
        input: parseArguments(call.function.arguments, `${at}.tool_calls[${index}].function.arguments`),
      },
    });
  });
  return blocks;
}

/** User and assistant content as Bedrock blocks; blank text is left out, as Bedrock rejects it. */
function partsOf(content: string | readonly Part[], at: string): ContentBlock[] {
  if (typeof content === 'string') return isBlank(content) ? [] : [{ text: content }];
  return content.flatMap((part, index) => {
    const block = partOf(part, `${at}[${index}]`);
    if (block.text !== undefined && isBlank(block.text)) return [];
    return asksForCachePoint(part) ? [block, CACHE_POINT] : [block];
  });
}

const CACHE_POINT = { cachePoint: { type: 'default' as const } };

/**
 * A part marked `cache_control: { type: 'ephemeral' }` (Anthropic's marker, which LiteLLM-style
 * clients send in OpenAI messages) ends a prompt-cache checkpoint: Bedrock's `cachePoint` follows
 * it (for a system message, follows the message).
 */
function asksForCachePoint(part: Part): boolean {
  return (part.cache_control as { type?: unknown } | undefined)?.type === 'ephemeral';
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

function partOf(part: Part, at: string): ContentBlock {
  if (part.type === 'text') {
    if (typeof part.text !== 'string') throw invalidRequest(`\`${at}.text\` must be a string.`, `${at}.text`);
    return { text: part.text };
  }
  if (part.type === 'image_url') return imageOf(part, at);
  throw invalidRequest(
    `\`${at}.type\` "${part.type}" is not supported: send "text" parts, or "image_url" parts with a data: URL.`,
    `${at}.type`,
  );
}

function imageOf(part: Part, at: string): ContentBlock {
  const imageUrl = part.image_url as { url?: unknown } | undefined;
  const url = typeof imageUrl === 'object' && imageUrl !== null ? imageUrl.url : undefined;
  if (typeof url !== 'string') {
    throw invalidRequest(
      `\`${at}.image_url.url\` is required: a data: URL of the image.`,
      `${at}.image_url.url`,
    );
  }
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match) {
    throw invalidRequest(
      `\`${at}.image_url.url\` must be a base64 data: URL (data:image/png;base64,...): the gateway does not fetch remote images; download the image and inline it.`,
      `${at}.image_url.url`,
    );
  }
  const format = IMAGE_FORMATS[match[1]!.toLowerCase()];
  if (!format) {
    throw invalidRequest(
      `\`${at}.image_url.url\` has media type ${match[1]}; Bedrock takes image/png, image/jpeg, image/gif or image/webp.`,
      `${at}.image_url.url`,
    );
  }
  return { image: { format, source: { bytes: Buffer.from(match[2]!, 'base64') } } };
}

/** The texts of a text-only role (system, tool), blank ones left out. */
function textsOf(content: string | readonly Part[], at: string): string[] {
  if (typeof content === 'string') return isBlank(content) ? [] : [content];
  const texts = content.map((part, index) => {
    if (part.type !== 'text' || typeof part.text !== 'string') {
      throw invalidRequest(
        `\`${at}[${index}]\` must be a text part ({ "type": "text", "text": "..." }): this role takes text only.`,
        `${at}[${index}]`,
      );
    }
    return part.text;
  });
  return texts.filter((text) => !isBlank(text));
}

function parseArguments(text: string, at: string): ContentBlock.ToolUseMember['toolUse']['input'] {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest(`\`${at}\` must be a JSON string of the call's arguments, e.g. "{}".`, at);
  }
}

function inferenceConfigOf(request: ChatCompletionRequest): Pick<ConverseInput, 'inferenceConfig'> {
  const { max_tokens: maxTokens, max_completion_tokens: maxCompletionTokens } = request;
  if (maxTokens != null && maxCompletionTokens != null && maxTokens !== maxCompletionTokens) {
    throw invalidRequest(
      '`max_tokens` and `max_completion_tokens` differ; send only `max_completion_tokens`.',
      'max_tokens',
    );
  }
  // Only the settings the request has: an unset one leaves the model's default.
  const config: NonNullable<ConverseInput['inferenceConfig']> = {};
  const max = maxCompletionTokens ?? maxTokens;
  if (max != null) config.maxTokens = max;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (typeof request.stop === 'string') config.stopSequences = [request.stop];
  else if (request.stop != null) config.stopSequences = request.stop;
  return Object.keys(config).length > 0 ? { inferenceConfig: config } : {};
}

function toolConfigOf(
  request: ChatCompletionRequest,
  messages: readonly Message[],
): Pick<ConverseInput, 'toolConfig'> {
  const tools = request.tools ?? [];
  // null means absent, as in OpenAI's API.
  const choice = request.tool_choice ?? undefined;
  if (tools.length === 0) {
    if (choice !== undefined && choice !== 'none' && choice !== 'auto') {
      throw invalidRequest(
        '`tool_choice` needs `tools`; add the tools or remove tool_choice.',
        'tool_choice',
      );
    }
    return {};
  }
  if (choice === 'none') {
    // Bedrock has no "none"; leaving the tools out says the same, unless the history uses them.
    const usesTools = messages.some((message) =>
      message.content?.some((block) => block.toolUse !== undefined || block.toolResult !== undefined),
    );
    if (usesTools) {
      throw invalidRequest(
        '`tool_choice` "none" cannot be mapped to Bedrock when the conversation holds tool calls; use "auto".',
        'tool_choice',
      );
    }
    return {};
  }
  const toolConfig: ToolConfiguration = {
    tools: tools.map(({ function: definition }) => ({
      toolSpec: {
        name: definition.name,
        ...(definition.description !== undefined && { description: definition.description }),
        inputSchema: { json: (definition.parameters ?? { type: 'object', properties: {} }) as never },
      },
    })),
  };
  if (choice === 'required') toolConfig.toolChoice = { any: {} };
  else if (typeof choice === 'object') toolConfig.toolChoice = { tool: { name: choice.function.name } };
  else if (choice === 'auto') toolConfig.toolChoice = { auto: {} };
  return { toolConfig };
}
