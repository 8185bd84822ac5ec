import type { ContentBlock, ConverseStreamOutput, Tool } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseInput, ConverseResult } from '@bedrock-ha/core';
import { invalidRequest } from './failure.js';
import type { ResponseFormat } from './openai-schema.js';
import type { Upstream } from './stream-body.js';

/**
 * How a JSON answer is asked of Bedrock: `native` (Converse `outputConfig.textFormat`, the answer
 * is the text) or a forced call of the tool `toolName` (its input is the answer).
 */
export type StructuredOutput =
  | { readonly kind: 'native' }
  | { readonly kind: 'tool'; readonly toolName: string };

// json_object has no schema; a tool whose input is any object gives the same guarantee.
const JSON_OBJECT_TOOL = 'json_answer';
const TOOL_DESCRIPTION =
  'Give your final answer by calling this tool: its input is the whole answer, as JSON matching the schema.';

/**
 * Adds a `response_format` to the Converse input of a chat completion. `json_schema` uses
 * `outputConfig.textFormat` when every model of the chain takes it (`native`), else it and
 * `json_object` force a call of a tool whose input schema is the format's schema. Beside the
 * caller's own tools, the answer tool joins them and the model must call one (`any`), unless the
 * caller forced a tool of its own.
 */
export function withResponseFormat(
  input: ConverseInput,
  format: ResponseFormat | null | undefined,
  native: boolean,
): { input: ConverseInput; structured: StructuredOutput | undefined } {
  if (!format || format.type === 'text') return { input, structured: undefined };
  const schema =
    format.type === 'json_schema' ? (format.json_schema.schema ?? { type: 'object' }) : undefined;
  if (format.type === 'json_schema' && native) {
    const { name, description } = format.json_schema;
    const jsonSchema = { schema: JSON.stringify(schema), name, ...(description != null && { description }) };
    return {
      input: { ...input, outputConfig: { textFormat: { type: 'json_schema', structure: { jsonSchema } } } },
      structured: { kind: 'native' },
    };
  }
  if (schema !== undefined && schema.type !== undefined && schema.type !== 'object') {
    throw invalidRequest(
      '`response_format.json_schema.schema` must describe an object ({ "type": "object", ... }), as OpenAI requires; wrap the value in a property.',
      'response_format.json_schema.schema',
    );
  }
  const toolName = format.type === 'json_schema' ? format.json_schema.name : JSON_OBJECT_TOOL;
  const description = format.type === 'json_schema' ? format.json_schema.description : undefined;
  const tool: Tool = {
    toolSpec: {
      name: toolName,
      description: description ? `${description}\n${TOOL_DESCRIPTION}` : TOOL_DESCRIPTION,
      inputSchema: { json: (schema ?? { type: 'object' }) as never },
    },
  };
  const own = input.toolConfig;
  if (own?.tools?.some((existing) => existing.toolSpec?.name === toolName)) {
    throw invalidRequest(
      `A tool is named "${toolName}", which the gateway uses for \`response_format\`; rename the tool or the schema.`,
      'response_format',
    );
  }
  const toolConfig = own?.tools?.length
    ? {
        tools: [...own.tools, tool],
        toolChoice: own.toolChoice?.tool ? own.toolChoice : { any: {} },
      }
    : { tools: [tool], toolChoice: { tool: { name: toolName } } };
  return { input: { ...input, toolConfig }, structured: { kind: 'tool', toolName } };
}

/** A Converse result with the answer tool's call turned into its JSON text, for `toChatCompletion`. */
export function answerToolAsText(
  result: ConverseResult,
  structured: StructuredOutput | undefined,
): ConverseResult {
  if (structured?.kind !== 'tool') return result;
  const content = result.output?.message?.content;
  if (!content) return result;
  const blocks: ContentBlock[] = content.map((block) =>
    block.toolUse?.name === structured.toolName ? { text: JSON.stringify(block.toolUse.input ?? {}) } : block,
  );
  const otherCalls = blocks.some((block) => block.toolUse !== undefined);
  return {
    ...result,
    output: { message: { role: 'assistant', content: blocks } },
    stopReason: result.stopReason === 'tool_use' && !otherCalls ? 'end_turn' : result.stopReason,
  };
}

/**
 * ConverseStream events with the answer tool's call turned into text deltas: its start is dropped,
 * its input deltas become content, and a stop for tool use with no other tool called is `end_turn`.
 */
export function answerToolEventsAsText(
  upstream: Upstream<ConverseStreamOutput>,
  structured: StructuredOutput | undefined,
): Upstream<ConverseStreamOutput> {
  if (structured?.kind !== 'tool') return upstream;
  const answerBlocks = new Set<number>();
  let otherCalls = false;
  return {
    release: () => upstream.release(),
    async next() {
      for (;;) {
        const next = await upstream.next();
        if (next.done) return next;
        const event = next.value;
        const start = event.contentBlockStart;
        if (start?.start?.toolUse) {
          if (start.start.toolUse.name !== structured.toolName) otherCalls = true;
          else {
            answerBlocks.add(start.contentBlockIndex ?? 0);
            continue;
          }
        }
        const delta = event.contentBlockDelta;
        if (delta?.delta?.toolUse && answerBlocks.has(delta.contentBlockIndex ?? 0)) {
          const text = delta.delta.toolUse.input ?? '';
          return { done: false, value: { contentBlockDelta: { ...delta, delta: { text } } } };
        }
        if (event.messageStop?.stopReason === 'tool_use' && !otherCalls) {
          return { done: false, value: { messageStop: { ...event.messageStop, stopReason: 'end_turn' } } };
        }
        return next;
      }
    },
  };
}
