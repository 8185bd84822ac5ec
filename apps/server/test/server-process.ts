import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestResources } from '@bedrock-ha/test-kit';

/** The built server binary (`pnpm turbo run build --filter=@bedrock-ha/server...` builds it). */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/**
 * Runs the built binary with `env` (killed after the test if still running); `lines` are its
 * stdout JSON lines as they come.
 */
export function runServer(test: TestResources, env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      OTEL_SDK_DISABLED: 'true',
      // Tests run side by side: a free metrics port each, not the default 9464.
      BEDROCK_HA_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  test.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line));
    for (const waiter of waiters.splice(0)) waiter();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    /** Waits for the first stdout line with this `event`. */
    async line(event: string): Promise<Record<string, unknown>> {
      for (;;) {
        const found = lines.find((line) => line.event === event);
        if (found) return found;
        const next = new Promise<void>((resolve) => waiters.push(resolve));
        const status = await Promise.race([next.then(() => 'line'), exited.then(() => 'exited')]);
        if (status === 'exited' && !lines.some((line) => line.event === event))
          throw new Error(`exited before logging ${event}; stderr: ${stderr}`);
      }
    },
  };
}

/** A server started by {@link runServer}. */
export type ServerProcess = ReturnType<typeof runServer>;
