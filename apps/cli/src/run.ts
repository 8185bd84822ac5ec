import { CommanderError } from 'commander';
import pc from 'picocolors';
import { CliError, ExitCode } from './exit-code.js';
import { createProgram } from './program.js';
import { redactSecrets } from './redact.js';

/**
 * Runs the CLI with the arguments after the binary's name and resolves with the exit code. Every
 * expected failure is printed as one message with a hint, never a stack trace (unless `--verbose`).
 */
export async function run(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // A second signal while cleaning up: the user wants out now.
      process.exit(130);
    }
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  let exitCode: number = ExitCode.ok;
  const program = createProgram({
    signal: controller.signal,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = await report(error, argv.includes('--verbose'));
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  return exitCode;
}

async function report(error: unknown, verbose: boolean): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  // Redacted: an AWS error message can quote the request's Authorization header.
  const write = (text: string) => process.stderr.write(`${redactSecrets(text)}\n`);
  if (error instanceof CliError) {
    write(`${pc.red('bedrock-ha: error:')} ${error.message}`);
    if (error.hint) write(`${pc.dim('hint:')} ${error.hint}`);
    if (verbose && error.stack) write(pc.dim(error.stack));
    return error.exitCode;
  }
  // A configuration the engine rejected, e.g. an --endpoint-url that is not a URL.
  const { ConfigError } = await import('@bedrock-ha/core');
  if (ConfigError.isInstance(error)) {
    write(`${pc.red('bedrock-ha: error:')} ${error.message}`);
    return ExitCode.usage;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  write(`${pc.red('bedrock-ha: unexpected error:')} ${message}`);
  if (verbose && error instanceof Error && error.stack) write(pc.dim(error.stack));
  else write(pc.dim('(run again with --verbose for the stack trace)'));
  return ExitCode.failed;
}
