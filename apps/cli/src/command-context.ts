/** What every command gets from the process that runs it. */
export interface CommandContext {
  /** Aborted on SIGINT or SIGTERM: commands stop their requests and clean up. */
  readonly signal: AbortSignal;
  /** Sets the exit code the process ends with once the command returns. */
  setExitCode(code: number): void;
}
