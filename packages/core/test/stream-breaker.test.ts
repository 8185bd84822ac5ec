import { describe, expect, it } from 'vitest';
import { StreamInterruptedError } from '../src/index.js';
import { HAIKU, harness, requestCount, streamText, userMessage } from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });

describe('breakers and streams', () => {
  it('opens the breaker of a region that cuts every stream after its first content', async () => {
    const sim = await simulator({ models: { '*': { outputTokens: 30 } } });
    const ha = engine(sim, {
      policy: {
        breaker: { mode: 'consecutive', failures: 2, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
      },
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const states: string[] = [];
    ha.onBreakerStateChange(({ endpoint, state }) => states.push(`${endpoint.endpointId} ${state}`));
    sim.faults.add({
      match: { region: 'us-east-1', operation: 'ConverseStream' },
      fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' },
    });
    const ask = () => ha.converseStream('haiku', { messages: userMessage('Explain failover.') });

    for (let stream = 0; stream < 2; stream++)
      await expect(streamText((await ask()).stream)).rejects.toBeInstanceOf(StreamInterruptedError);
    expect(states).toEqual(['east open']);

    const third = await ask();
    expect(third.servedBy.endpointId).toBe('west');
    expect(third.attempts[0]).toMatchObject({ outcome: 'skipped', reason: 'circuit-open' });
    await streamText(third.stream);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(2);
  });
});
