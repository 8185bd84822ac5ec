/**
 * The engine against real Amazon Bedrock: opt-in with `BEDROCK_HA_REAL_AWS=1` (costs a fraction of a
 * cent; uses the default credential chain and needs access to Claude 3 Haiku in us-east-1 and
 * us-west-2). The first endpoint names a model id that does not exist, so the request must fail over
 * to a real endpoint, as it does against the simulator.
 */
import { describe, expect, it } from 'vitest';
import { createBedrockHA } from '../src/index.js';
import { HAIKU, streamText, TOKYO_PROMPT, userMessage } from './harness.js';

const enabled = process.env.BEDROCK_HA_REAL_AWS === '1';

describe.skipIf(!enabled)('against real Amazon Bedrock (BEDROCK_HA_REAL_AWS=1)', () => {
  const ha = () =>
    createBedrockHA({
      chains: {
        haiku: {
          endpoints: [
            { id: 'missing', region: 'us-east-1', modelId: 'anthropic.claude-no-such-model-v1:0' },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
          ],
        },
      },
    });

  it('fails over from an invalid model id to on-demand Claude 3 Haiku in us-west-2', async () => {
    const engine = ha();
    try {
      const result = await engine.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
      expect(result.servedBy.endpointId).toBe('west');
      expect(result.attempts[0]).toMatchObject({ errorClass: 'endpoint', reason: 'invalid-model' });
      expect(result.output?.message?.content?.[0]?.text).toMatch(/tokyo/i);
    } finally {
      engine.destroy();
    }
  });

  it('streams after the same failover', async () => {
    const engine = ha();
    try {
      const { stream, servedBy } = await engine.converseStream('haiku', {
        messages: userMessage(TOKYO_PROMPT),
      });
      expect(servedBy.endpointId).toBe('west');
      expect(await streamText(stream)).toMatch(/tokyo/i);
    } finally {
      engine.destroy();
    }
  });
});
