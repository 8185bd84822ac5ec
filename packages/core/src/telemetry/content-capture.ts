import { isRecord } from '../is-record.js';

/** Prompts and answers as GenAI semconv messages, for spans when content capture is on. */

/** The request's messages (Converse input or an InvokeModel JSON body) as semconv messages. */
export function inputMessages(input: unknown): string | undefined {
  const source = invokeModelBody(input) ?? input;
  if (!isRecord(source)) return undefined;
  const messages: { role: string; parts: unknown[] }[] = [];
  const system = toParts(source.system);
  if (system.length > 0) messages.push({ role: 'system', parts: system });
  if (Array.isArray(source.messages)) {
    for (const message of source.messages.filter(isRecord))
      messages.push({ role: String(message.role ?? 'user'), parts: toParts(message.content) });
  } else {
    const prompt = source.prompt ?? source.inputText;
    if (typeof prompt === 'string') messages.push({ role: 'user', parts: toParts(prompt) });
  }
  return messages.length > 0 ? JSON.stringify(messages) : undefined;
}

/** The answer as a semconv output message. */
export function outputMessages(text: string, finishReasons: readonly string[] | undefined): string {
  const finish = finishReasons?.[0] === undefined ? {} : { finish_reason: finishReasons[0] };
  return JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], ...finish }]);
}

/** InvokeModel's JSON body (Anthropic messages, Nova, Titan, Llama prompts), if it parses. */
function invokeModelBody(input: unknown): Record<string, unknown> | undefined {
  if (!isRecord(input)) return undefined;
  const { body } = input;
  const text =
    typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Bedrock content blocks as semconv message parts; image, document and video bytes are never copied. */
function toParts(content: unknown): Record<string, unknown>[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord).map((block) => {
    if (typeof block.text === 'string') return { type: 'text', content: block.text };
    const { toolUse, toolResult, reasoningContent } = block;
    if (isRecord(toolUse))
      return { type: 'tool_call', id: toolUse.toolUseId, name: toolUse.name, arguments: toolUse.input };
    if (isRecord(toolResult))
      return { type: 'tool_call_response', id: toolResult.toolUseId, response: toParts(toolResult.content) };
    if (isRecord(reasoningContent) && isRecord(reasoningContent.reasoningText))
      return { type: 'reasoning', content: reasoningContent.reasoningText.text };
    if ('json' in block) return { type: 'json', content: block.json };
    return { type: typeof block.type === 'string' ? block.type : (Object.keys(block)[0] ?? 'unknown') };
  });
}
