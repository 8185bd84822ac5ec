import type { Operation } from '../telemetry/instrumentation.js';

/**
 * What a request asks of an endpoint's capacity before it is sent: its input tokens (estimated)
 * and the output it may produce (`maxTokens`, or `undefined` for the model's maximum).
 */
export interface Demand {
  readonly inputTokens: number;
  readonly maxTokens: number | undefined;
}

/** Bytes of text per token: the usual rule of thumb for English with BPE tokenizers. */
export const BYTES_PER_TOKEN = 4;
/** Tokens an image costs: Claude's (width x height / 750) for an image of about 1.2 megapixels. */
export const IMAGE_TOKENS = 1_600;

// Fields that shape a message rather than carry content; a string under them costs no tokens.
const STRUCTURAL = new Set([
  'role',
  'type',
  'format',
  'media_type',
  'anthropic_version',
  'name',
  'toolUseId',
]);

/**
 * Estimates a request's demand from its input, as Bedrock reserves it: the input's text at
 * {@link BYTES_PER_TOKEN} bytes a token, each image at {@link IMAGE_TOKENS}, documents and other
 * binary content by their bytes; plus `maxTokens` when the request sets it. Works on Converse and
 * ConverseStream inputs and on InvokeModel bodies (JSON of any model family).
 */
export function estimateDemand(operation: Operation, input: unknown): Demand {
  const count = { bytes: 0, images: 0 };
  if (operation === 'Converse' || operation === 'ConverseStream') {
    const converse = (input ?? {}) as Record<string, unknown>;
    walk(converse.messages, count);
    walk(converse.system, count);
    walk(converse.toolConfig, count);
    const inference = converse.inferenceConfig as { maxTokens?: unknown } | undefined;
    return demand(count, numberOr(inference?.maxTokens));
  }
  const body = parseBody((input as { body?: unknown } | undefined)?.body);
  if (body === undefined) return demand(count, undefined);
  if (typeof body !== 'object' || body === null) {
    walk(body, count);
    return demand(count, undefined);
  }
  walk(body, count);
  return demand(count, invokeMaxTokens(body as Record<string, unknown>));
}

function demand(count: { bytes: number; images: number }, maxTokens: number | undefined): Demand {
  return { inputTokens: Math.ceil(count.bytes / BYTES_PER_TOKEN) + count.images * IMAGE_TOKENS, maxTokens };
}

function walk(value: unknown, count: { bytes: number; images: number }): void {
  if (typeof value === 'string') count.bytes += Buffer.byteLength(value, 'utf8');
  else if (value instanceof Uint8Array) count.bytes += value.byteLength;
  else if (Array.isArray(value)) for (const item of value) walk(item, count);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    // Converse's `{ image: ... }` block, or Anthropic's and Nova's `{ type: 'image', source: ... }`.
    if ('image' in record || record.type === 'image') {
      count.images += 1;
      return;
    }
    for (const [key, item] of Object.entries(record)) if (!STRUCTURAL.has(key)) walk(item, count);
  }
}

/** The output cap of an InvokeModel body, in whichever field its model family names it. */
function invokeMaxTokens(body: Record<string, unknown>): number | undefined {
  const nested = (key: string) => body[key] as Record<string, unknown> | undefined;
  return (
    numberOr(body.max_tokens) ??
    numberOr(nested('inferenceConfig')?.max_new_tokens) ??
    numberOr(nested('textGenerationConfig')?.maxTokenCount) ??
    numberOr(body.max_gen_len)
  );
}

/** An InvokeModel body's JSON, its text when it is not JSON, `undefined` when it has none. */
export function parseBody(body: unknown): unknown {
  const text =
    typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: its bytes are all there is to count.
    return text;
  }
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
