/**
 * The CLI's exit codes, as scripts and CI read them: 0 success; 1 the request failed on every
 * endpoint, or a check failed; 2 the command line or the configuration is wrong.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
} as const;

/** One of the CLI's exit codes. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An expected failure: printed as its message (no stack trace unless `--verbose`) and mapped to
 * its exit code. `hint` says how to fix it.
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A mistake in the command line or configuration (exit code 2). */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, ExitCode.usage, hint);
}
