import { fileURLToPath } from 'node:url';
import { readmeExample, runExample } from '@bedrock-ha/test-kit';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/quickstart.mjs', import.meta.url));

// The README's example, run as users run it: against the built packages.
it('runs the README example: generateText on the PT, on the backup while the PT throttles, then streamText', async () => {
  const { lines } = await runExample(example);
  expect(lines).toEqual(['Tokyo from pt-east', 'Tokyo from haiku-west', 'Tokyo (streamed from pt-east)']);
}, 40_000);

it('shows the example file in the README, word for word', () => {
  const { shown, code } = readmeExample(new URL('../README.md', import.meta.url), example);
  expect(shown).toBe(code);
});
