/**
 * A deterministic value that validates against a JSON Schema: what the simulator answers for
 * structured output (Converse `outputConfig.textFormat`) and puts in a forced tool call's input.
 * It covers what OpenAI's and zod's schema generators emit: `type` (or a list of them), `enum`,
 * `const`, `anyOf`/`oneOf` (the first branch), `allOf` (merged), local `$ref`s (`#/$defs/...`,
 * `#/definitions/...`), object `properties` (every one of them, required or not), arrays with
 * `minItems`, string `minLength`/`maxLength`/`format`, and number bounds. `pattern` is not
 * honoured: a schema with one gets a plain sample.
 */
export function sampleOfSchema(schema: unknown): unknown {
  return sample(schema, schema, '', 0);
}

type Schema = Record<string, unknown>;

// Recursive schemas (a tree of nodes) end in an empty array or a null at this depth.
const MAX_DEPTH = 8;

const FORMATS: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

function sample(node: unknown, root: unknown, name: string, depth: number): unknown {
  if (node === true || node === undefined) return name === '' ? {} : `example ${name}`;
  if (typeof node !== 'object' || node === null) return null;
  const schema = node as Schema;
  if (typeof schema.$ref === 'string') return sample(resolve(schema.$ref, root), root, name, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      // A nullable field (`anyOf: [X, {type: "null"}]`) gets X, which says more than null.
      const preferred = branches.find((branch) => (branch as Schema)?.type !== 'null') ?? branches[0];
      return sample(preferred, root, name, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf.reduce<Schema>(
      (all, part) => mergeSchemas(all, (part ?? {}) as Schema),
      omit(schema, 'allOf'),
    );
    return sample(merged, root, name, depth + 1);
  }
  const type = typeOf(schema);
  if (depth > MAX_DEPTH) return type === 'array' ? [] : type === 'object' ? {} : null;
  switch (type) {
    case 'object':
      return objectSample(schema, root, depth);
    case 'array': {
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      const capped = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count;
      return Array.from({ length: capped }, () => sample(schema.items, root, name, depth + 1));
    }
    case 'string':
      return stringSample(schema, name);
    case 'integer':
    case 'number':
      return numberSample(schema, type);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return name === '' ? {} : `example ${name}`;
  }
}

function typeOf(schema: Schema): string | undefined {
  const { type } = schema;
  if (Array.isArray(type)) return (type.find((entry) => entry !== 'null') ?? type[0]) as string | undefined;
  if (typeof type === 'string') return type;
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function objectSample(schema: Schema, root: unknown, depth: number): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  for (const [key, property] of Object.entries(properties)) {
    value[key] = sample(property, root, key, depth + 1);
  }
  return value;
}

function stringSample(schema: Schema, name: string): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let text = format ?? (name === '' ? 'example' : `example ${name}`);
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (text.length < min) text = text.padEnd(min, 'x');
  if (text.length > max) text = text.slice(0, max);
  return text;
}

function numberSample(schema: Schema, type: 'integer' | 'number'): number {
  const lower =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + 1
        : undefined;
  const upper =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - 1
        : undefined;
  let value = lower ?? (upper !== undefined ? Math.min(upper, 1) : 1);
  if (type === 'integer') value = Math.ceil(value);
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  if (step !== undefined) value = Math.ceil(value / step) * step;
  return value;
}

/** A local reference: `#`, `#/$defs/Name`, `#/definitions/Name` or any JSON pointer into the root. */
function resolve(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const raw of ref
    .slice(1)
    .split('/')
    .filter((part) => part !== '')) {
    const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as Schema)[part] : undefined;
  }
  return node;
}

function mergeSchemas(left: Schema, right: Schema): Schema {
  return {
    ...left,
    ...right,
    properties: { ...(left.properties as Schema), ...(right.properties as Schema) },
    required: [...((left.required as string[]) ?? []), ...((right.required as string[]) ?? [])],
  };
}

function omit(schema: Schema, key: string): Schema {
  const { [key]: _omitted, ...rest } = schema;
  return rest;
}
