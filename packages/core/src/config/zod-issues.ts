import type { z } from 'zod';
import { isRecord } from '../is-record.js';
import { closest } from './closest-word.js';
import type { ConfigIssue } from './config-error.js';
import { MAX_TIMER_MS } from './policy-schema.js';
import { type Found, got, quote, type Secret, valueAt } from './quoted-value.js';
import { definition, schemaAt } from './zod-schema-path.js';

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

/** What the issues were found in; with it, messages quote the value received and suggest keys. */
export interface ZodIssueContext {
  /** The value that was parsed, to quote what was received. */
  readonly input?: unknown;
  /** The schema it was parsed with, to suggest known keys for an unknown one. */
  readonly schema?: z.core.$ZodType;
  /**
   * The dotted paths whose values came from `${NAME}` references, each with its text as written:
   * messages name the reference, never the value, which may be a secret.
   */
  readonly interpolated?: ReadonlyMap<string, string>;
}

interface Located extends ConfigIssue {
  /** Set on "is required" issues, so a misspelt key can replace them. */
  readonly missing?: string;
  /** Set on unknown-key issues that suggest a known key. */
  readonly suggested?: string;
}

// Values under these keys are never quoted back: error messages end up in logs.
const SECRET_KEYS = new Set<Key>(['credentials', 'accessKeyId', 'secretAccessKey', 'sessionToken']);

/**
 * Turns zod's issues into config issues: a dotted path, what was expected and what was received,
 * and a fix. Unions report the branch the input was meant for, not every branch's complaint.
 */
export function zodIssues(error: z.core.$ZodError, context: ZodIssueContext = {}): ConfigIssue[] {
  const located = flatten(error.issues, [], context);
  // `modelID: x` yields both "modelId is required" and "unknown key modelID"; the second says it all.
  const replaced = new Set(
    located.filter((issue) => issue.suggested).map((issue) => join([issue.path, issue.suggested])),
  );
  return located
    .filter((issue) => issue.missing === undefined || !replaced.has(issue.missing))
    .map(({ path, message, fix }) => (fix === undefined ? { path, message } : { path, message, fix }));
}

function flatten(issues: readonly Issue[], base: readonly Key[], context: ZodIssueContext): Located[] {
  return issues.flatMap((issue) => describeIssue(issue, [...base, ...issue.path], context));
}

function describeIssue(issue: Issue, path: readonly Key[], context: ZodIssueContext): Located[] {
  const value = valueAt(context.input, path, issue.input);
  const at = join(path);
  const secret: Secret = context.interpolated?.get(at) ?? path.some((key) => SECRET_KEYS.has(key));
  switch (issue.code) {
    case 'invalid_type': {
      // Without the input, zod's own message is the only witness of a missing value.
      const missing = value.found ? value.value === undefined : issue.message.endsWith('received undefined');
      if (missing) return [{ path: at, message: 'is required', missing: at }];
      const expected = issue.expected === 'int' ? 'an integer' : issue.expected;
      return [
        {
          path: at,
          message: `expected ${expected}${got(value, secret)}`,
          ...fixForType(issue.expected, value.value, path, context),
        },
      ];
    }
    case 'invalid_value': {
      const options = issue.values.map(quote);
      const expected = options.length === 1 ? options[0] : `one of ${options.join(', ')}`;
      return [
        {
          path: at,
          message: `expected ${expected}${got(value, secret, true)}`,
          ...suggest(value.value, issue.values, secret),
        },
      ];
    }
    case 'invalid_union':
      return describeUnion(issue, path, value, secret, context);
    case 'unrecognized_keys':
      return issue.keys.map((key) => describeUnknownKey(key, path, context));
    case 'invalid_key':
      return [
        {
          path: at,
          message: `name ${quote(String(path.at(-1)))} is not allowed: ${issue.issues.map((inner) => inner.message).join('; ')}`,
        },
      ];
    case 'too_small':
      return [{ path: at, message: bound(issue, 'small', value, secret) }];
    case 'too_big':
      return [{ path: at, message: bound(issue, 'big', value, secret) }];
    case 'invalid_format': {
      // Our regexes carry a message written for people; zod's URL message ("Invalid URL") is vaguer.
      const expected = issue.format === 'url' ? 'expected a URL' : issue.message;
      return [{ path: at, message: `${expected}${got(value, secret, true)}` }];
    }
    case 'not_multiple_of':
      return [{ path: at, message: `must be a multiple of ${issue.divisor}${got(value, secret, true)}` }];
    default:
      return [{ path: at, message: issue.message }];
  }
}

function describeUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: readonly Key[],
  value: Found,
  secret: Secret,
  context: ZodIssueContext,
): Located[] {
  if (issue.discriminator !== undefined) {
    // zod points at the discriminator; the object that lacks a valid one is the clearer place.
    const objectPath = path.at(-1) === issue.discriminator ? path.slice(0, -1) : path;
    const options = 'options' in issue ? (issue.options ?? []) : [];
    const object = valueAt(context.input, objectPath, issue.input).value;
    const mode = isRecord(object) ? object[issue.discriminator] : undefined;
    const modeSecret = context.interpolated?.get(join([...objectPath, issue.discriminator])) ?? secret;
    return [
      {
        path: join(objectPath),
        message: `${issue.discriminator} must be one of ${options.map(quote).join(', ')}${got({ found: mode !== undefined, value: mode }, modeSecret, true)}`,
        ...suggest(mode, options, modeSecret),
      },
    ];
  }
  // A branch whose only complaint is about the value's type was not the one meant; one that
  // complains about something inside the value was.
  const meant = issue.errors.filter((branch) => !branch.every((inner) => isShapeMismatch(inner)));
  if (meant.length > 0) {
    const closest = meant.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return flatten(closest, path, context);
  }
  const expected = issue.errors.flatMap((branch) =>
    branch.map((inner) =>
      inner.code === 'invalid_value'
        ? inner.values.map(quote).join(' or ')
        : (inner as { expected: string }).expected,
    ),
  );
  if (expected.length === 0) return [{ path: join(path), message: issue.message }];
  return [
    { path: join(path), message: `expected ${[...new Set(expected)].join(' or ')}${got(value, secret)}` },
  ];
}

function isShapeMismatch(issue: Issue): boolean {
  return issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

function describeUnknownKey(key: string, path: readonly Key[], context: ZodIssueContext): Located {
  const known = knownKeys(context, path);
  const close = closest(key, known);
  const at = join(path);
  if (close !== undefined) {
    return { path: at, message: `unknown key "${key}"`, fix: `did you mean "${close}"?`, suggested: close };
  }
  return {
    path: at,
    message: `unknown key "${key}"`,
    ...(known.length > 0 ? { fix: `known keys: ${known.join(', ')}` } : {}),
  };
}

function fixForType(
  expected: string,
  value: unknown,
  path: readonly Key[],
  context: ZodIssueContext,
): { fix?: string } {
  const quotedNumber = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  const quotedBoolean = value === 'true' || value === 'false';
  if (
    ((expected === 'number' || expected === 'int') && quotedNumber) ||
    (expected === 'boolean' && quotedBoolean)
  ) {
    return { fix: 'write it without quotes' };
  }
  // `breaker: off` instead of `breaker: { mode: off }`.
  const schema = context.schema && schemaAt(context.schema, path, context.input);
  const discriminator = schema && definition(schema).discriminator;
  if (expected === 'object' && discriminator && typeof value === 'string') {
    const options = definition(schema).options ?? [];
    if (options.some((option) => option._zod.propValues?.[discriminator]?.has(value))) {
      return { fix: `write { ${discriminator}: ${value} }` };
    }
  }
  return {};
}

function bound(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  direction: 'small' | 'big',
  value: Found,
  secret: Secret,
): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint': {
      const words = direction === 'small' ? ['at least', 'greater than'] : ['at most', 'less than'];
      if (direction === 'big' && limit === MAX_TIMER_MS)
        return `must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node.js timer can wait)${got(value, secret, true)}`;
      return `must be ${inclusive ? words[0] : words[1]} ${limit}${got(value, secret, true)}`;
    }
    case 'string':
      if (direction === 'small' && limit === 1) return 'must not be empty';
      return `must be ${direction === 'small' ? 'at least' : 'at most'} ${limit} characters long`;
    case 'array':
      if (direction === 'small' && limit === 1) return 'needs at least one entry';
      return `needs ${direction === 'small' ? 'at least' : 'at most'} ${limit} entries`;
    default:
      return issue.message;
  }
}

function suggest(value: unknown, options: readonly unknown[], secret: Secret): { fix?: string } {
  if (secret || typeof value !== 'string') return {};
  const close = closest(
    value,
    options.filter((option): option is string => typeof option === 'string'),
  );
  return close === undefined ? {} : { fix: `did you mean "${close}"?` };
}

function join(path: readonly (Key | undefined)[]): string {
  return path
    .filter((key) => key !== undefined && key !== '')
    .map(String)
    .join('.');
}

function knownKeys(context: ZodIssueContext, path: readonly Key[]): string[] {
  const schema = context.schema && schemaAt(context.schema, path, context.input);
  const shape = schema && definition(schema).type === 'object' ? definition(schema).shape : undefined;
  return Object.keys(shape ?? {});
}
