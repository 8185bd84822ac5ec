import { createInterface } from 'node:readline/promises';
import { usageError } from './exit-code.js';

/**
 * Asks a yes/no question on the terminal; only "y" or "yes" confirms. Without a terminal nobody
 * can answer, so that is a usage error telling the caller to pass `--yes`.
 */
export async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw usageError(
      'refusing to delete without confirmation: standard input is not a terminal',
      'pass --yes to confirm in scripts',
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `, { signal });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
