import type { z } from 'zod';
import { isRecord } from '../is-record.js';

/** Finds the part of a zod schema that validates the value at a path, for better config errors. */

type Key = PropertyKey;

// The parts of zod's schema definitions that a walk along a path needs.
interface Definition {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly discriminator?: string;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
}

/** The definition of a zod schema, as far as a path walk reads it. */
export function definition(schema: z.core.$ZodType): Definition {
  return schema._zod.def as unknown as Definition;
}

/** Unwraps optional, default and similar wrappers down to the schema that takes the value. */
function unwrapSchema(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const inner = definition(current).innerType ?? definition(current).in;
    if (inner === undefined) return current;
    current = inner;
  }
}

/**
 * The schema that takes the value at `path`, choosing union branches by the input's shape (and
 * discriminator); undefined when the path leaves the schema.
 */
export function schemaAt(
  root: z.core.$ZodType,
  path: readonly Key[],
  input: unknown,
): z.core.$ZodType | undefined {
  let schema: z.core.$ZodType | undefined = unwrapSchema(root);
  let value = input;
  for (const key of path) {
    schema = schema && pickBranch(schema, value);
    const found = schema && definition(schema);
    if (found?.type === 'object') schema = typeof key === 'string' ? found.shape?.[key] : undefined;
    else if (found?.type === 'record') schema = found.valueType;
    else if (found?.type === 'array') schema = found.element;
    else schema = undefined;
    if (schema === undefined) return undefined;
    schema = unwrapSchema(schema);
    value = isRecord(value) || Array.isArray(value) ? (value as Record<Key, unknown>)[key] : undefined;
  }
  return schema && pickBranch(schema, value);
}

/** The branch of a union that `value` was meant for (by discriminator, else by shape). */
function pickBranch(schema: z.core.$ZodType, value: unknown): z.core.$ZodType {
  const { type, options, discriminator } = definition(schema);
  if (type !== 'union' || options === undefined) return schema;
  const branches = options.map(unwrapSchema);
  if (discriminator !== undefined && isRecord(value)) {
    const mode = value[discriminator];
    const match = branches.find((branch) => branch._zod.propValues?.[discriminator]?.has(mode as never));
    if (match) return match;
  }
  const wanted = Array.isArray(value) ? 'array' : isRecord(value) ? 'object' : typeof value;
  const match = branches.find((branch) => {
    const branchType = definition(branch).type;
    return branchType === wanted || (wanted === 'object' && branchType === 'record');
  });
  return match ? pickBranch(match, value) : schema;
}
