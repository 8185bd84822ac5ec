import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a bundle run printed, and its `RESULT` line parsed (undefined when it failed first). */
export interface BundleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: the child's JSON, asserted field by field
  readonly result: any;
}

/**
 * Runs `handler.mjs` in a fresh Node process (test/invoke-bundle.mjs, as the Lambda runtime
 * would), invoking it with `events` (`http`, `direct`, `stream`).
 */
export function runBundle(file: string, env: Record<string, string>, events: unknown): Promise<BundleRun> {
  const eventsFile = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-events-')), 'events.json');
  writeFileSync(eventsFile, JSON.stringify(events));
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('invoke-bundle.mjs', import.meta.url)), file, eventsFile],
    { env: { PATH: process.env.PATH, ...env } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
      const result = line === undefined ? undefined : JSON.parse(line.slice('RESULT '.length));
      resolve({ code, stdout, stderr, result });
    }),
  );
}
