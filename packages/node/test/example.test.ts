import { fileURLToPath } from 'node:url';
import { readmeExample, runExample } from '@bedrock-ha/test-kit';
import { expect, it } from 'vitest';

const example = fileURLToPath(new URL('../examples/serve.mjs', import.meta.url));

// The README's example, run as users run it: against the built packages.
it('runs the README example: OpenAI over HTTP/1.1, the AWS SDK over HTTP/2 with a failover, a 401 before the body', async () => {
  const { lines } = await runExample(example, {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  expect(lines).toEqual(['openai: Tokyo from pt-east', 'bedrock: Tokyo', 'no key: 401']);
}, 40_000);

it('shows the example file in the README, word for word', () => {
  const { shown, code } = readmeExample(new URL('../README.md', import.meta.url), example);
  expect(shown).toBe(code);
});
