import { fileURLToPath } from 'node:url';
import { readmeExample, runExample } from '@bedrock-ha/test-kit';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/quickstart.mjs', import.meta.url));

// The README's example, run as users run it: against the built package.
it('runs the README example: PT, failover to us-west-2 on throttling, back to the PT, then a stream', async () => {
  const { lines } = await runExample(example, { timeoutMs: 20_000 });
  expect(lines).toEqual([
    'pt-east (us-east-1): Tokyo',
    'failover: pt-east -> haiku-west (throttled)',
    'haiku-west (us-west-2): Tokyo',
    'pt-east (us-east-1): Tokyo',
    'pt-east streams: Tokyo',
  ]);
});

it('shows the example file in the README, word for word', () => {
  const { shown, code } = readmeExample(new URL('../README.md', import.meta.url), example);
  expect(shown).toBe(code);
});
