import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built binary the tests run, as users do. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function assertBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} does not exist: the CLI tests run the built binary. Build it first: pnpm turbo run build --filter=bedrock-ha...`,
    );
  }
}

/** Fake credentials the simulator accepts (it never checks signatures). */
export const TEST_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' };

/** An empty home directory, so that no shared AWS config of the machine leaks into a test. */
export async function emptyHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bedrock-ha-cli-home-'));
}

/**
 * An environment with nothing of the machine's AWS setup: only PATH, the given HOME and the
 * variables a test passes. `NO_COLOR` keeps the output plain unless a test asks for colour.
 */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    NO_COLOR: '1',
    ...extra,
  };
}

/** What a finished CLI run printed, and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the binary to completion; `input` is piped to its stdin (stdin is closed either way). */
export async function runCli(
  args: readonly string[],
  options: { env: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** A long-running CLI process (simulate, serve) and what it has printed so far. */
export interface RunningCli {
  readonly child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout or stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts the binary and leaves it running. */
export function startCli(args: readonly string[], env: Record<string, string>): RunningCli {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    notify();
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout) ?? pattern.exec(stderr);
          if (!match) return;
          finish();
          resolve(match);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${stdout}; stderr: ${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
        void closed.then(() => {
          if (listeners.has(check)) {
            finish();
            reject(new Error(`exited before printing ${pattern}; stdout: ${stdout}; stderr: ${stderr}`));
          }
        });
      }),
    stop: async (signal) => {
      if (child.exitCode === null) child.kill(signal);
      return closed;
    },
  };
}
