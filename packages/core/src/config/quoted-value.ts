import { isRecord } from '../is-record.js';

type Key = PropertyKey;

/** A secret value: `true` (only its type is named), or the reference it came from, as written. */
export type Secret = boolean | string;

/** A value looked up in the parsed input: `found` is false when the input does not reach it. */
export interface Found {
  readonly found: boolean;
  readonly value: unknown;
}

/** The value at `path` in `input`; without the input, zod's own record of it (`fallback`). */
export function valueAt(input: unknown, path: readonly Key[], fallback: unknown): Found {
  if (input === undefined) return { found: fallback !== undefined, value: fallback };
  let value: unknown = input;
  for (const key of path) {
    if (!isRecord(value) && !Array.isArray(value)) return { found: false, value: undefined };
    const container: object = value;
    value = Object.hasOwn(container, key) ? (container as Record<Key, unknown>)[key] : undefined;
  }
  return { found: true, value };
}

/**
 * `, got string "5000"`; only the type of a secret, or the reference it came from; nothing when
 * the value is unknown.
 */
export function got({ found, value }: Found, secret: Secret, bare = false): string {
  if (!found) return '';
  if (typeof secret === 'string') return `, got a ${typeof value} from ${quote(secret)} (value not shown)`;
  if (value === null) return ', got null';
  if (Array.isArray(value)) return ', got a list';
  if (typeof value === 'object') return ', got an object';
  if (secret) return `, got a ${typeof value}`;
  const shown = typeof value === 'string' ? quote(truncate(value)) : String(value);
  return bare ? `, got ${shown}` : `, got ${typeof value} ${shown}`;
}

/** A string in JSON quotes, anything else as it prints. */
export function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
