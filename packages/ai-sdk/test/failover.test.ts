import { AllEndpointsFailedError } from '@bedrock-ha/core';
import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { HAIKU, harness, PRIMARY_PT, TOKYO } from './harness.js';

const { provider } = harness();

describe('failover under generateText', () => {
  it('serves from the backup while the PT throttles, and shows it in servedBy', async () => {
    const { bedrockHA, sim } = await provider();
    sim.faults.add({
      match: { model: PRIMARY_PT },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const throttled = await generateText({ model: bedrockHA('chat'), prompt: TOKYO });
    expect(throttled.text).toBe('Tokyo');
    expect(throttled.providerMetadata?.bedrockHa).toEqual({
      servedBy: { endpointId: 'backup', region: 'us-west-2', kind: 'on-demand', modelId: HAIKU },
      attempts: [
        expect.objectContaining({ endpointId: 'primary', outcome: 'failure', reason: 'throttled' }),
        expect.objectContaining({ endpointId: 'backup', outcome: 'success' }),
      ],
    });
    const after = await generateText({ model: bedrockHA('chat'), prompt: TOKYO });
    expect(after.providerMetadata?.bedrockHa?.servedBy).toMatchObject({ endpointId: 'primary' });
  });

  it('skips the PT once its breaker is open', async () => {
    const { bedrockHA, sim } = await provider({
      policy: {
        breaker: { mode: 'consecutive', failures: 2, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
      },
    });
    sim.faults.add({
      match: { model: PRIMARY_PT },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    await generateText({ model: bedrockHA('chat'), prompt: TOKYO });
    const result = await generateText({ model: bedrockHA('chat'), prompt: TOKYO });
    expect(result.providerMetadata?.bedrockHa?.attempts).toEqual([
      expect.objectContaining({ endpointId: 'primary', outcome: 'skipped', reason: 'circuit-open' }),
      expect.objectContaining({ endpointId: 'backup', outcome: 'success' }),
    ]);
  });

  it("rejects with the engine's AllEndpointsFailedError, which the AI SDK does not retry", async () => {
    const { bedrockHA, sim } = await provider({ policy: { retry: { maxAttempts: 1 } } });
    sim.faults.add({
      match: { region: '*' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const failure = generateText({ model: bedrockHA('chat'), prompt: TOKYO, maxRetries: 2 });
    await expect(failure).rejects.toSatisfy(
      (error) => AllEndpointsFailedError.isInstance(error) && error.reason === 'all-unavailable',
    );
    // One attempt per endpoint: the chain is the only retry loop.
    expect(sim.requests()).toHaveLength(2);
  });
});
