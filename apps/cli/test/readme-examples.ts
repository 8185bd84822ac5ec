import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli-process.js';

/** One `$ ...` line of a README `text` block, with what the README says it prints. */
export interface ReadmeExample {
  /** The command line exactly as the README shows it (continuation lines joined). */
  readonly command: string;
  /** The lines shown after it, `(exit N)` left out. */
  readonly output: readonly string[];
  /** The exit code the README shows, when it shows one. */
  readonly exitCode: number | undefined;
}

/** Every example of the README's `text` blocks, in order. */
export async function readmeExamples(path: string): Promise<ReadmeExample[]> {
  const text = await readFile(path, 'utf8');
  const examples: ReadmeExample[] = [];
  for (const block of text.matchAll(/```text\n([\s\S]*?)```/g)) {
    const lines = (block[1] ?? '').split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] ?? '';
      if (!line.startsWith('$ ')) continue;
      let command = line.slice(2);
      while (command.endsWith('\\')) command = `${command.slice(0, -1)}${(lines[++index] ?? '').trim()}`;
      const output: string[] = [];
      let exitCode: number | undefined;
      while (index + 1 < lines.length && !(lines[index + 1] ?? '').startsWith('$ ')) {
        const next = lines[++index] ?? '';
        const exit = /^\(exit (\d+)\)$/.exec(next);
        if (exit) exitCode = Number(exit[1]);
        else output.push(next);
      }
      examples.push({ command, output, exitCode });
    }
  }
  return examples;
}

/**
 * A directory holding a `bedrock-ha` executable that runs the built binary, to put first on
 * PATH: the README's lines then run exactly as written.
 */
export async function binaryShim(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'bedrock-ha-shim-'));
  const shim = join(directory, 'bedrock-ha');
  await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(shim, 0o755);
  return directory;
}

/** What a shell line printed (stderr into stdout, in the order written) and how it exited. */
export interface ShellResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a README line with `sh -c`; `terminal` runs it in a pseudo-terminal (util-linux `script`). */
export async function runLine(
  command: string,
  options: {
    env: Record<string, string>;
    cwd: string;
    input?: string;
    terminal?: boolean;
    timeoutMs?: number;
  },
): Promise<ShellResult> {
  const child = options.terminal
    ? spawn('script', ['-qec', command, '/dev/null'], { env: options.env, cwd: options.cwd })
    : spawn('sh', ['-c', `${command} 2>&1`], { env: options.env, cwd: options.cwd });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    // Answers the one question a terminal example asks, once it is asked.
    if (options.input !== undefined && output.includes('[y/N]')) child.stdin.end(options.input);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  if (options.input === undefined) child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, output: output.replaceAll('\r\n', '\n') };
  } finally {
    clearTimeout(timer);
  }
}

// Built from a string: a control character in a regex literal reads as a mistake.
const ESCAPE_SEQUENCE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/**
 * Output lines with what legitimately differs between runs made equal: URLs of the simulator,
 * generated ids, paths, dates, numbers (timings), and column padding.
 */
export function normalize(lines: readonly string[], pt: string): string[] {
  return lines
    .map((line) =>
      line
        .replaceAll(pt, '$PT')
        // A terminal's cursor and erase sequences (the `script` runs).
        .replace(ESCAPE_SEQUENCE, '')
        .replace(/^Date: .*/i, 'Date: DATE')
        .replace(/http:\/\/(127\.0\.0\.1|localhost):\d+/g, 'URL')
        .replace(/provisioned-model\/[a-z0-9]{12}/g, 'provisioned-model/ID')
        .replace(/\(\/\S*\/\.aws\/credentials\)/g, '(HOME/.aws/credentials)')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
        .replace(/chatcmpl-[0-9a-f]+/g, 'chatcmpl-ID')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
        .replace(/\d+(\.\d+)?/g, 'N')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '');
}
