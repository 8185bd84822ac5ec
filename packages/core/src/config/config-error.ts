/** One problem in a configuration. */
export interface ConfigIssue {
  /** Where, as a dotted path (`chains.claude.endpoints.0.region`); empty for the whole config. */
  readonly path: string;
  /** What is wrong, and what was expected. */
  readonly message: string;
  /** How to fix it, when there is more to say than the message. */
  readonly fix?: string;
}

const MARK = Symbol.for('bedrock-ha.ConfigError');

/** A configuration that cannot be used; lists every problem found, each with its path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly [MARK] = true;

  constructor(
    readonly issues: readonly ConfigIssue[],
    /** The file the configuration came from, when it came from one. */
    readonly source?: string,
  ) {
    super(formatIssues(issues, source));
  }

  /** True for a ConfigError from any copy of this package. */
  static isInstance(error: unknown): error is ConfigError {
    return typeof error === 'object' && error !== null && MARK in error;
  }
}

function formatIssues(issues: readonly ConfigIssue[], source: string | undefined): string {
  const where = source ? ` in ${source}` : '';
  const lines = issues.map((issue) => {
    const at = issue.path === '' ? '' : `${issue.path}: `;
    return `  - ${at}${issue.message}${issue.fix ? ` (${issue.fix})` : ''}`;
  });
  const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
  return `The bedrock-ha configuration${where} has ${count}:\n${lines.join('\n')}`;
}
