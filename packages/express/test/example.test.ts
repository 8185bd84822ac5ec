import { fileURLToPath } from 'node:url';
import { readmeExample, runExample } from '@bedrock-ha/test-kit';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/gateway.mjs', import.meta.url));

// The README's example, run as users run it: against the built packages.
it('runs the README example: OpenAI client through the router, then the AWS SDK with a failover', async () => {
  const { lines } = await runExample(example);
  expect(lines).toEqual([
    'openai: Tokyo from pt-east',
    'failover: pt-east -> haiku-west (throttled)',
    'bedrock: Tokyo',
  ]);
}, 40_000);

it('shows the example file in the README, word for word', () => {
  const { shown, code } = readmeExample(new URL('../README.md', import.meta.url), example);
  expect(shown).toBe(code);
});
