import type { ConverseInput } from '@bedrock-ha/core';
import { invalidRequest } from './failure.js';

// Output members that are ours or the SDK's, never Bedrock's wire.
const NOT_ON_THE_WIRE = new Set(['$metadata', 'servedBy', 'attempts', 'stream', 'body']);
// Blocks whose `source.bytes` is a blob (base64 on the wire).
const SOURCED = ['image', 'document', 'video', 'audio'] as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * An AWS SDK output (a `ConverseResponse`, an engine result) as the JSON body Bedrock's restJson1
 * wire carries: blobs as base64, timestamps as epoch seconds, unset members left out, and the
 * members that are the SDK's or the engine's (`$metadata`, `servedBy`, `attempts`, `stream`,
 * `body`) dropped. `JSON.stringify` of the result is what the AWS SDK parses back to the output.
 *
 * @example
 * const result = await ha.converse('claude', converseInputFromWire(JSON.parse(body)));
 * return { statusCode: 200, body: JSON.stringify(toBedrockWireJson(result)) };
 */
export function toBedrockWireJson(output: unknown): unknown {
  return toWireJson(output);
}

/** {@link toBedrockWireJson} of any value; `top` false keeps members named like the SDK's own. */
export function toWireJson(value: unknown, top = true): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map((item) => toWireJson(item, false));
  if (typeof value !== 'object' || value === null) return value;
  const wire: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || (top && NOT_ON_THE_WIRE.has(key))) continue;
    wire[key] = toWireJson(member, false);
  }
  return wire;
}

/**
 * A Converse/ConverseStream request body as the AWS SDK serialises it (parsed JSON), back in the
 * SDK's input shape the engine takes: the base64 of image, document, video, audio and redacted
 * reasoning blocks becomes bytes again, and `modelId` is dropped (the chain names the model).
 * Decodes in place: pass a freshly parsed body.
 *
 * @throws an error whose message says what is wrong, in Bedrock's wording (e.g. a member path
 *   that is not base64), when the body is not a JSON object or a blob is not base64.
 */
export function converseInputFromWire(body: unknown): ConverseInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object (a Converse request).');
  }
  const { modelId: _ignored, ...input } = body as Record<string, unknown>;
  if (Array.isArray(input.messages)) {
    input.messages.forEach((message: unknown, index) => {
      const content = (message as { content?: unknown } | null)?.content;
      if (Array.isArray(content)) decodeBlocks(content, `messages.${index}.member.content`);
    });
  }
  if (Array.isArray(input.system)) decodeBlocks(input.system, 'system');
  return input as ConverseInput;
}

function decodeBlocks(blocks: unknown[], at: string): void {
  blocks.forEach((block, index) => {
    if (typeof block !== 'object' || block === null) return;
    const record = block as Record<string, Record<string, unknown> | undefined>;
    const where = `${at}.${index}.member`;
    for (const kind of SOURCED) decodeSource(record[kind]?.source, `${where}.${kind}.source.bytes`);
    decodeSource(
      (record.guardContent?.image as { source?: unknown } | undefined)?.source,
      `${where}.guardContent`,
    );
    const reasoning = record.reasoningContent;
    if (reasoning && typeof reasoning.redactedContent === 'string') {
      reasoning.redactedContent = decodeBase64(
        reasoning.redactedContent,
        `${where}.reasoningContent.redactedContent`,
      );
    }
    const results = record.toolResult?.content;
    if (Array.isArray(results)) decodeBlocks(results, `${where}.toolResult.content`);
  });
}

function decodeSource(source: unknown, at: string): void {
  if (typeof source !== 'object' || source === null) return;
  const record = source as Record<string, unknown>;
  if (typeof record.bytes === 'string') record.bytes = decodeBase64(record.bytes, at);
}

function decodeBase64(text: string, at: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    // Bedrock's own wording style: the member path, then what is wrong.
    throw invalidRequest(
      `1 validation error detected: Value at '${at}' failed to satisfy constraint: Member must be base64-encoded bytes`,
    );
  }
  return Buffer.from(text, 'base64');
}
