import type { z } from 'zod';

const MARK = Symbol.for('bedrock-ha.simulator.SimulatorConfigError');

/**
 * Invalid simulator options, scenario or fault rule. The message lists every problem with its
 * path, what was expected and what was found.
 */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
  readonly [MARK] = true;

  constructor(
    message: string,
    /** One line per problem, `path: what is wrong`. */
    readonly problems: string[] = [],
  ) {
    super(message);
  }

  /** True for a SimulatorConfigError from any copy of this package (`instanceof` fails across copies). */
  static isInstance(error: unknown): error is SimulatorConfigError {
    return typeof error === 'object' && error !== null && MARK in error;
  }
}

/** Parses `value` with `schema`, or throws a {@link SimulatorConfigError} that names each bad path. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    // Name each unknown key by its full path, as a typo is found by where it is.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${pathOf([...issue.path, key])}: unknown key`);
    }
    return [`${pathOf(issue.path)}: ${issue.message}`];
  });
  throw new SimulatorConfigError(`invalid ${what}:\n  ${problems.join('\n  ')}`, problems);
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(root)';
}
