import type { Feature } from './request-needs.js';

// The JSON text each feature of an InvokeModel body shows as: a body without it cannot need it.
const MARKERS: readonly (readonly [Feature, readonly string[]])[] = [
  ['tools', ['"tools"']],
  ['images', ['"image"']],
  ['documents', ['"document"']],
  ['cachePoint', ['"cachePoint"', '"cache_control"']],
];
// Anthropic's `max_tokens`, Nova's `max_new_tokens`, Llama's `max_gen_len`: all start so.
const MAX_KEY = '"max_';
const MAX_NAME = /^"max_(?:tokens|new_tokens|gen_len)"/;
const MAX_VALUE = /^"max_(?:tokens|new_tokens|gen_len)"\s*:\s*(\d+(?:\.\d+)?(?:[eE]\+?\d+)?)[\s,}]/;

/** An InvokeModel body's UTF-8 bytes (0 when it has none). */
export function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  return ArrayBuffer.isView(body) ? body.byteLength : 0;
}

/**
 * Whether the body may hold one of `features` that only its JSON shows, by looking for their
 * keys' text: no parse. (A key written with `\u` escapes is not found.)
 */
export function bodyMayHold(body: unknown, features: ReadonlySet<Feature>): boolean {
  const text = searchable(body);
  if (text === undefined) return false;
  for (const [feature, markers] of MARKERS)
    if (features.has(feature) && markers.some((marker) => text.indexOf(marker) !== -1)) return true;
  return false;
}

/**
 * At least the body's maxTokens (the largest `max_tokens`, `max_new_tokens` or `max_gen_len`
 * anywhere in it), without a parse; `undefined` when it names none, `Infinity` when one such key's
 * value is not a plain number (so the caller parses the body).
 */
export function maxTokensBound(body: unknown): number | undefined {
  const text = searchable(body);
  if (text === undefined) return undefined;
  let bound: number | undefined;
  for (let at = text.indexOf(MAX_KEY); at !== -1; at = text.indexOf(MAX_KEY, at + 1)) {
    const head = typeof text === 'string' ? text.slice(at, at + 64) : text.toString('latin1', at, at + 64);
    if (!MAX_NAME.test(head)) continue;
    const value = Number(MAX_VALUE.exec(head)?.[1] ?? Number.POSITIVE_INFINITY);
    bound = Math.max(bound ?? 0, value);
  }
  return bound;
}

/** The body as something `indexOf` searches without a copy. */
function searchable(body: unknown): string | Buffer | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}
