import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/quickstart.mjs', import.meta.url));

// The README's example, run as users run it: against the built packages.
it('runs the README example: generateText on the PT, on the backup while the PT throttles, then streamText', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [example], {
    timeout: 30_000,
  });
  expect(stdout.trim().split('\n')).toEqual([
    'Tokyo from pt-east',
    'Tokyo from haiku-west',
    'Tokyo (streamed from pt-east)',
  ]);
}, 40_000);

it('shows the example file in the README, word for word', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const shown = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  // The file's header comment says how to run it; the README says so in prose.
  const code = readFileSync(example, 'utf8').replace(/^(\/\/.*\n)+/, '');
  expect(shown?.trim()).toBe(code.trim());
});
