import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadScenario } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import { HAIKU, haikuPt, harness, ptArn, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness();
const PT = ptArn('us-east-1', 'seedpt000001');

describe('the AWS sample, as a config', () => {
  it('serves on the PT, fails over to on-demand in us-west-2 when it throttles, then returns to the PT', async () => {
    const sim = await simulator({ provisionedThroughputs: [haikuPt('us-east-1', 'seedpt000001')] });
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', modelId: PT },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    const first = await ask();
    expect(first.servedBy).toMatchObject({ endpointId: 'pt', region: 'us-east-1', kind: 'provisioned' });
    expect(first.output?.message?.content?.[0]?.text).toBe('Tokyo');

    sim.faults.add({
      match: { model: PT },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const second = await ask();
    expect(second.servedBy).toMatchObject({ endpointId: 'west', region: 'us-west-2', kind: 'on-demand' });
    expect(
      second.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.errorName]),
    ).toEqual([
      ['pt', 'failure', 'ThrottlingException'],
      ['west', 'success', undefined],
    ]);

    const third = await ask();
    expect(third.servedBy.endpointId).toBe('pt');
    expect(third.attempts).toHaveLength(1);
  });

  it('spills to us-west-2 when load exhausts the PT, and returns to it once it has refilled', async () => {
    // The simulator's seed scenario: a PT whose token bucket holds a few requests and refills slowly.
    const scenarios = join(
      dirname(createRequire(import.meta.url).resolve('@bedrock-ha/simulator/package.json')),
      'scenarios',
    );
    const sim = await simulator(await loadScenario(join(scenarios, 'seed-walkthrough.yaml')));
    const ha = engine(sim, {
      // The storm opens the PT's breaker: a cooldown that keeps requests off it for a second.
      policy: {
        breaker: { mode: 'consecutive', failures: 5, halfOpenAfterMs: 1_000, maxHalfOpenAfterMs: 10_000 },
      },
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', modelId: ptArn('us-east-1', 'seedpt000001') },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const breaker: string[] = [];
    ha.onBreakerStateChange(({ endpoint, state }) => breaker.push(`${endpoint.endpointId} ${state}`));
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    // A burst: the PT serves what its bucket holds, the rest spills over; nothing fails.
    const burst = await Promise.all(Array.from({ length: 30 }, ask));
    const servedBy = burst.map((result) => result.servedBy.endpointId);
    expect(servedBy).toContain('pt');
    expect(servedBy).toContain('west');
    for (const result of burst.filter((each) => each.servedBy.endpointId === 'west'))
      expect(result.attempts[0]).toMatchObject({ endpoint: { endpointId: 'pt' }, reason: 'throttled' });

    expect(breaker).toEqual(['pt open']);
    expect((await ask()).servedBy.endpointId).toBe('west');

    // After the cooldown the PT has refilled (3,000 tokens a minute); one probe succeeds and the
    // breaker closes, so traffic is back on the PT.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await ask()).servedBy.endpointId).toBe('pt');
    expect((await ask()).servedBy.endpointId).toBe('pt');
    expect(breaker).toEqual(['pt open', 'pt half-open', 'pt closed']);
  });
});
