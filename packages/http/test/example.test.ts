import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readmeExample } from '@bedrock-ha/test-kit';
import { afterEach, expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/node-http.mjs', import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  // A failed assertion must not leave the example's server and simulator behind.
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Output of `child` until `pattern` appears in it; rejects if the process exits first. */
function waitForOutput(child: ChildProcess, output: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output());
      if (!match) return;
      child.stdout?.off('data', check);
      child.off('exit', exited);
      resolve(match);
    };
    const exited = (code: number | null) =>
      reject(new Error(`the example exited (${code}) before printing ${pattern}:\n${output()}`));
    child.stdout?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

// The README's example, run as users run it: against the built packages
// (`pnpm turbo run build --filter=@bedrock-ha/http...`).
it('runs the README example: a node:http gateway answers a chat completion, then shuts down', async () => {
  const child = spawn(process.execPath, [example], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const [, url] = await waitForOutput(child, () => stdout, /gateway on (http:\/\/127\.0\.0\.1:\d+)/);
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer local-key', 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude',
      messages: [{ role: 'user', content: 'what is the largest city in the world?' }],
    }),
  });
  expect(response.status).toBe(200);
  const completion = (await response.json()) as { choices: { message: { content: string } }[] };
  expect(completion.choices[0]?.message.content).toBe('Tokyo');
  // The example's onRequestLog prints each entry.
  await waitForOutput(child, () => stdout, /outcome: 'completed'/);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
}, 40_000);

it('shows the example file in the README, word for word', () => {
  const { shown, code } = readmeExample(new URL('../README.md', import.meta.url), example);
  expect(shown).toBe(code);
});
