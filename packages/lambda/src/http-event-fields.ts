import { InvalidEventError } from './invalid-event-error.js';

// Readers of an HTTP event's fields that check their types. API Gateway and Function URLs always
// send the documented types; anything else is a hand-made or corrupted event, answered with an
// InvalidEventError naming the field, never a TypeError from deep inside a translation. Messages
// name the type received, never the value: a header may hold a key.

/** A field that must be a string. */
export function requiredString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  throw invalidField(field, 'a string', value);
}

/** A field that is a string, or absent (`undefined` or `null`). */
export function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : requiredString(value, field);
}

/** A field that is a boolean, or absent. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  throw invalidField(field, 'a boolean', value);
}

/** A list of strings, or absent. */
export function optionalStringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField(field, 'a list of strings', value);
  return value.map((item, index) => requiredString(item, `${field}[${index}]`));
}

/** An object of string values (absent values left out), or absent. */
export function stringRecord(value: unknown, field: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, item] of Object.entries(objectField(value, field))) {
    const text = optionalString(item, `${field}.${name}`);
    if (text !== undefined) record[name] = text;
  }
  return record;
}

/** An object of lists of strings, or absent. */
export function stringListRecord(value: unknown, field: string): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [name, item] of Object.entries(objectField(value, field))) {
    const list = optionalStringList(item, `${field}.${name}`);
    if (list !== undefined) record[name] = list;
  }
  return record;
}

/** An object, or absent (then empty). */
export function objectField(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw invalidField(field, 'an object', value);
}

function invalidField(field: string, expected: string, value: unknown): InvalidEventError {
  const problem =
    value === undefined
      ? `is missing (it must be ${expected})`
      : `must be ${expected}, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : article(typeof value)}`;
  return new InvalidEventError(
    `The HTTP event's "${field}" ${problem}; API Gateway and Function URLs never send that, so the event was made or changed by hand`,
  );
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
