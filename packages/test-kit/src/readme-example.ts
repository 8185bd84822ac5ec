import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/**
 * Runs a README's example as users run it, `node <file>`, against the built packages (build them
 * first: `pnpm turbo run build --filter=<package>...`). Rejects when it exits with an error.
 */
export async function runExample(
  file: string,
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<{ readonly lines: string[]; readonly stdout: string; readonly stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], {
    timeout: options.timeoutMs ?? 30_000,
    ...(options.env && { env: options.env }),
  });
  return { lines: stdout.trim().split('\n'), stdout, stderr };
}

/**
 * The README's first ```js block and the example file, both trimmed, for a test that they are the
 * same word for word. The file's header comment (how to run it) is left out: the README says that
 * in prose.
 */
export function readmeExample(readme: URL, file: string): { readonly shown: string; readonly code: string } {
  const shown =
    /```js\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'))?.[1] ?? '(no js block in the README)';
  const code = readFileSync(file, 'utf8').replace(/^(\/\/.*\n)+/, '');
  return { shown: shown.trim(), code: code.trim() };
}
