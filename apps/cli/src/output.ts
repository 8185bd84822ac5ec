import pc from 'picocolors';
import { redactSecrets } from './redact.js';

/**
 * Where a command writes: results to stdout (text or JSON), diagnostics to stderr, so that
 * `--json` output can be piped while progress and errors still reach the terminal. Everything but
 * a streamed answer passes through `redactSecrets`: error messages from AWS can quote credentials.
 */
export class Output {
  constructor(
    private readonly options: { readonly json: boolean; readonly verbose: boolean },
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** True when the command should print JSON instead of text. */
  get json(): boolean {
    return this.options.json;
  }

  /** True with `--verbose`. */
  get verbose(): boolean {
    return this.options.verbose;
  }

  /** A line of the command's text result (suppressed with `--json`). */
  line(text = ''): void {
    if (!this.options.json) this.stdout.write(`${redactSecrets(text)}\n`);
  }

  /** Text without a newline, e.g. a streamed answer. */
  write(text: string): void {
    if (!this.options.json) this.stdout.write(text);
  }

  /** The command's JSON result. */
  result(value: unknown): void {
    this.stdout.write(`${redactSecrets(JSON.stringify(value, null, 2))}\n`);
  }

  /** Progress and notices, on stderr so they never mix with a result. */
  note(text: string): void {
    this.stderr.write(`${redactSecrets(text)}\n`);
  }

  /** A warning on stderr. */
  warn(text: string): void {
    this.stderr.write(`${pc.yellow('warning:')} ${redactSecrets(text)}\n`);
  }

  /** Details shown only with `--verbose`, on stderr. */
  detail(text: string): void {
    if (this.options.verbose) this.stderr.write(`${pc.dim(redactSecrets(text))}\n`);
  }
}
