import { startSimulator } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import { gatewayHarness, HAIKU, json, post, TOKYO_PROMPT } from './harness.js';

// Issue 13 item 6: when endpoints fail with network errors, error bodies name the cause.
const start = gatewayHarness();

describe('network failures in error bodies', () => {
  it('name ECONNREFUSED for each endpoint, on the OpenAI and the Bedrock routes', async () => {
    // Region URLs of a simulator of their own, taken down: connections to them are refused.
    const refused = await startSimulator();
    const [east, west] = await Promise.all([
      refused.regions.url('us-east-1'),
      refused.regions.url('us-west-2'),
    ]);
    await Promise.all([refused.regions.down('us-east-1'), refused.regions.down('us-west-2')]);
    try {
      const { gateway } = await start({
        config: {
          chains: {
            claude: {
              endpoints: [
                { id: 'refused-east', region: 'us-east-1', modelId: HAIKU, client: { endpoint: east } },
                { id: 'refused-west', region: 'us-west-2', modelId: HAIKU, client: { endpoint: west } },
              ],
              policy: { retry: { maxAttempts: 1 }, breaker: { mode: 'off' } },
            },
          },
        },
      });
      const expected =
        'Every endpoint of chain "claude" failed: refused-east ECONNREFUSED, refused-west ECONNREFUSED';
      const openai = await gateway.handle(
        post('/v1/chat/completions', {
          model: 'claude',
          messages: [{ role: 'user', content: TOKYO_PROMPT }],
        }),
      );
      expect(openai.status).toBe(503);
      expect(json(openai).error).toMatchObject({ code: 'all_endpoints_failed', message: expected });
      const bedrock = await gateway.handle(
        post('/model/claude/converse', { messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }] }),
      );
      expect(bedrock.status).toBe(503);
      expect(json(bedrock).message).toBe(expected);
    } finally {
      await refused.close();
    }
  });
});
