import { usageError } from './exit-code.js';

/** The most a piped prompt may hold; a larger input is most likely the wrong file. */
const MAX_PROMPT_BYTES = 1_000_000;

/**
 * The prompt: the argument, else standard input when it is piped. On a terminal with no argument
 * there is nothing to read, so that is a usage error rather than a silent wait.
 */
export async function readPrompt(argument: string | undefined, signal: AbortSignal): Promise<string> {
  if (argument !== undefined && argument !== '-') return argument;
  if (process.stdin.isTTY) {
    throw usageError('no prompt', 'pass it as an argument, or pipe it: echo "hello" | bedrock-ha converse');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin.iterator({ destroyOnReturn: true })) {
    signal.throwIfAborted();
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_PROMPT_BYTES)
      throw usageError(`the piped prompt is larger than ${MAX_PROMPT_BYTES} bytes`);
    chunks.push(buffer);
  }
  const prompt = Buffer.concat(chunks).toString('utf8').trim();
  if (prompt === '') throw usageError('the piped prompt is empty');
  return prompt;
}
