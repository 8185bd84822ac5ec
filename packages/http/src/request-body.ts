import { describeJsonSyntaxError } from '@bedrock-ha/core';
import type { z } from 'zod';
import { invalidRequest, RequestFailure } from './failure.js';
import type { GatewayRequest } from './gateway-api.js';

/** The body's bytes (a string body is UTF-8); empty when there is none. */
export function bodyBytes(body: GatewayRequest['body']): Uint8Array {
  if (body === undefined) return new Uint8Array();
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** The body's size in bytes, without copying a string body to measure it. */
export function bodyByteLength(body: GatewayRequest['body']): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

/** The 413 for a body over the limit. */
export function payloadTooLarge(limitBytes: number): RequestFailure {
  return new RequestFailure({
    status: 413,
    message: `The request body is larger than the gateway's limit of ${limitBytes} bytes; send a smaller body or raise maxBodyBytes.`,
    bedrockName: 'ValidationException',
    openaiType: 'invalid_request_error',
    code: 'payload_too_large',
    param: null,
    errorName: 'PayloadTooLarge',
  });
}

// One decoder for every request: `decode` without `stream` keeps no state between calls, and
// building a TextDecoder per request was a measurable part of the OpenAI route's own work.
const utf8 = new TextDecoder();

/** Parses a JSON body, or throws a 400 that says where the JSON breaks. */
export function parseJsonBody(body: GatewayRequest['body']): unknown {
  const text = typeof body === 'string' ? body : body === undefined ? '' : utf8.decode(body);
  try {
    return JSON.parse(text);
  } catch (error) {
    // A blank body fails to parse too; it is checked only then, so a good body is not trimmed.
    if (text.trim() === '')
      throw invalidRequest('The request body is empty; send a JSON object.', null, 'empty_body');
    // V8's message may quote a few characters of the body; keep only what went wrong and where.
    const { reason, where } = describeJsonSyntaxError(error, text);
    throw invalidRequest(
      `The request body is not valid JSON: ${reason}${where}; send a JSON object with content-type application/json.`,
      null,
      'invalid_json',
    );
  }
}

/** Validates a parsed body with a zod schema, or throws a 400 naming the first wrong field and its fix. */
export function validateBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const param = formatPath(path);
  const subject = param === '' ? 'The request body' : `\`${param}\``;
  throw invalidRequest(
    `${subject} ${describeIssue(issue, valueAt(value, issue.path))}`,
    param === '' ? null : param,
  );
}

// zod's own messages start like this; any other message is one of ours, with its fix.
const ZOD_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `is not a field this gateway supports; remove ${issue.keys.map((key) => `\`${key}\``).join(', ')}.`;
  }
  if (issue.code === 'invalid_type' && value === undefined) return 'is required.';
  if (!ZOD_MESSAGE.test(issue.message)) return `${issue.message}.`;
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'int' ? 'integer' : issue.expected;
    return `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}, not ${describeValue(value)}.`;
  }
  return `is invalid: ${issue.message}.`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : `${value}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}
