import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/local-invoke.mjs', import.meta.url));
const readme = () => readFileSync(new URL('../README.md', import.meta.url), 'utf8');

// The README's example, run as users run it: against the built packages
// (`pnpm turbo run build --filter=@bedrock-ha/lambda...`).
it('runs the README example: an HTTP event and a direct invocation fail over from the throttled PT', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [example], {
    timeout: 30_000,
  });

  expect(stdout.trim().split('\n')).toEqual([
    'HTTP 200 from haiku-west: Tokyo',
    'direct from haiku-west after 2 attempts: Tokyo',
  ]);
  expect(stderr).toBe('');
  // The README shows what the example prints.
  expect(readme()).toContain(`\`\`\`\n${stdout.trim()}\n\`\`\``);
}, 40_000);

it('shows the example file in the README, word for word', () => {
  const shown = /```js\n([\s\S]*?)```/.exec(readme())?.[1];
  // The file's header comment says how to run it; the README says so in prose.
  const code = readFileSync(example, 'utf8').replace(/^(\/\/.*\n)+/, '');
  expect(shown?.trim()).toBe(code.trim());
});
