#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SimulatorOptions } from './options.js';
import type { Simulator } from './simulator.js';

const NAME = 'bedrock-ha-sim';
const DEFAULT_PORT = 4010;
const DEFAULT_HOST = '127.0.0.1';

/** Exit codes: scripts tell a usage mistake (2) from a runtime failure such as a busy port (1). */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const USAGE = `Usage: ${NAME} [options]

A local Amazon Bedrock emulator: point any AWS SDK client at the printed URL.

Options:
  -p, --port <n>         TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
      --host <h>         interface to listen on (default ${DEFAULT_HOST})
  -s, --scenario <file>  YAML or JSON scenario (PTs, quotas, models, answers, faults);
                         --port, --host and --seed override the file's values
      --seed <n>         seed of every random choice (integer)
  -h, --help             print this help and exit
  -v, --version          print the version and exit

On start, prints one line to stdout:
  ${NAME} listening on http://127.0.0.1:${DEFAULT_PORT} (scenario: <file or none>)
Stops cleanly on SIGINT or SIGTERM. Exit codes: 0 ok, 1 cannot listen, 2 bad flags or scenario.
Admin API: GET <url>/_simulator/health, /_simulator/faults, /_simulator/counters, ...
`;

/** A mistake in how the binary was called; reported without a stack trace, exit code 2. */
class UsageError extends Error {}

interface Invocation {
  help: boolean;
  version: boolean;
  scenario?: string | undefined;
  overrides: Pick<SimulatorOptions, 'port' | 'host' | 'seed'>;
}

function parseInvocation(argv: string[]): Invocation {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const { values } = parsed;
  const overrides: Invocation['overrides'] = {};
  if (values.port !== undefined) overrides.port = integerFlag('--port', values.port, 0, 65_535);
  if (values.host !== undefined) {
    if (values.host === '') throw new UsageError('--host must not be empty');
    overrides.host = values.host;
  }
  if (values.seed !== undefined) {
    overrides.seed = integerFlag('--seed', values.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
  if (values.scenario === '') throw new UsageError('--scenario needs a file path');
  return {
    help: values.help === true,
    version: values.version === true,
    scenario: values.scenario,
    overrides,
  };
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      scenario: { type: 'string', short: 's' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

// parseArgs' own messages are long and suggest `--` positionals, which this binary has none of.
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${/'(-{1,2}[^' ,]+)/.exec(message)?.[1] ?? message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? message}; every option is a --flag`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // "Option '-p, --port <value>' argument missing"; also a boolean given a value.
      const option = /(--[\w-]+)/.exec(message)?.[1];
      return option && message.includes('argument missing') ? `${option} needs a value` : message;
    }
    default:
      return message;
  }
}

function integerFlag(flag: string, raw: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = flag === '--port' ? ` from ${min} to ${max}` : '';
    throw new UsageError(`${flag} must be an integer${range}, got "${raw}"`);
  }
  return value;
}

function packageVersion(): string {
  // dist/bin.js and src/bin.ts both sit one level below package.json.
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function fail(message: string, code: number): number {
  process.stderr.write(`${NAME}: ${message}\n`);
  if (code === EXIT_USAGE && !message.includes('--help')) {
    process.stderr.write(`Run ${NAME} --help for usage.\n`);
  }
  return code;
}

function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use. Stop the process using it, or choose another port with --port (0 picks a free one).`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied. Ports below 1024 need privileges; choose another with --port.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${where}: the host is not an address of this machine (${error.code}). Check --host.`;
    default:
      return `cannot listen on ${where}: ${error.message}`;
  }
}

/** Runs the binary; resolves with the exit code once startup failed, or never while serving. */
async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    return fail((error as Error).message, EXIT_USAGE);
  }
  if (invocation.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (invocation.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }

  // Loaded only now: --help and flag mistakes answer without loading zod, yaml and the simulator.
  const [{ loadScenario }, { startSimulator }, { SimulatorConfigError }] = await Promise.all([
    import('./scenario.js'),
    import('./simulator.js'),
    import('./validation.js'),
  ]);
  let options: SimulatorOptions = {};
  if (invocation.scenario !== undefined) {
    try {
      options = await loadScenario(invocation.scenario);
    } catch (error) {
      if (error instanceof SimulatorConfigError) return fail(error.message, EXIT_USAGE);
      throw error;
    }
  }
  const host = invocation.overrides.host ?? options.host ?? DEFAULT_HOST;
  const port = invocation.overrides.port ?? options.port ?? DEFAULT_PORT;
  let simulator: Simulator;
  try {
    simulator = await startSimulator({ ...options, ...invocation.overrides, host, port });
  } catch (error) {
    // A PT the scenario declares that Bedrock would refuse (unknown model, duplicate name).
    if (error instanceof SimulatorConfigError) {
      const where = invocation.scenario === undefined ? '' : `scenario file ${invocation.scenario}: `;
      return fail(`${where}${error.message}`, EXIT_USAGE);
    }
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno.code === 'string') return fail(listenFailure(errno, host, port), EXIT_FAILURE);
    throw error;
  }

  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal while closing: the user wants out now.
        process.stderr.write(`${NAME}: ${signal} again, exiting without waiting\n`);
        process.exit(EXIT_FAILURE);
      }
      stopping = true;
      simulator.close().then(resolve, (error: unknown) => {
        process.stderr.write(`${NAME}: error while closing: ${String(error)}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Only now announce: a script may signal the moment it reads the line, and the handlers must be
  // in place by then, or the default action kills the process with no clean exit.
  process.stdout.write(
    `${NAME} listening on ${simulator.url} (scenario: ${invocation.scenario ?? 'none'})\n`,
  );
  await stopped;
  return EXIT_OK;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: an SDK keep-alive socket or a stray timer must not keep a stopped server alive.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `${NAME}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(EXIT_FAILURE);
  },
);
