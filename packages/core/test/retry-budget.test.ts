import type { Simulator } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  requestCount,
  TOKYO_PROMPT,
  UNLIMITED,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const BUDGET = { capacity: 20, throttlingRetryCost: 5, retryCost: 10, successRefill: 1 };

/** An on-demand primary with a small retry budget and a healthy fallback; no breaker, so only the budget limits retries. */
async function stormOnPrimary(fault: Parameters<Simulator['faults']['add']>[0]['fault']) {
  const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
  const storm = sim.faults.add({ match: { region: 'us-east-1' }, fault });
  const ha = engine(sim, {
    retryBudget: BUDGET,
    chains: {
      haiku: {
        endpoints: [
          { id: 'primary', region: 'us-east-1', modelId: HAIKU },
          { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
        ],
        policy: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, breaker: { mode: 'off' } },
      },
    },
  });
  const events = recordEvents(ha);
  const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
  const budgetOf = (id: string) => ha.health().find((endpoint) => endpoint.endpointId === id)?.retryBudget;
  return { sim, storm, events, ask, budgetOf };
}

describe('retry budget (matrix #1)', () => {
  it('bounds the retries on a throttling primary to capacity / throttlingRetryCost while the fallback serves every request', async () => {
    const { sim, events, ask, budgetOf } = await stormOnPrimary({
      type: 'error',
      error: 'ThrottlingException',
    });

    const servedBy: string[] = [];
    for (let request = 0; request < 50; request++) servedBy.push((await ask()).servedBy.endpointId);
    expect(servedBy).toEqual(Array(50).fill('fallback'));

    // 20 tokens / 5 per retry = 4 retries: two on each of the first two requests, none after.
    // Successes on the fallback refill the fallback's bucket, never the primary's.
    expect(events.retries).toHaveLength(4);
    expect(events.retries.every((retry) => retry.endpoint.endpointId === 'primary')).toBe(true);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(50 + 4);
    expect(events.budgetExhausted).toHaveLength(48);
    expect(events.budgetExhausted[0]).toMatchObject({ chain: 'haiku', reason: 'throttled' });
    expect(budgetOf('primary')).toBe(0);
    expect(budgetOf('fallback')).toBe(20);
    // Under the storm each request costs the primary one attempt, not three.
    expect(attemptRows((await ask()).attempts)).toEqual([
      ['primary', 'failure', 'throttled'],
      ['fallback', 'success', undefined],
    ]);
  });

  it("refills the endpoint's own bucket with its successes", async () => {
    const { sim, storm, events, ask, budgetOf } = await stormOnPrimary({
      type: 'error',
      error: 'ThrottlingException',
    });
    await ask();
    await ask();
    expect(budgetOf('primary')).toBe(0);

    sim.faults.remove(storm);
    for (let request = 0; request < 5; request++) expect((await ask()).servedBy.endpointId).toBe('primary');
    expect(budgetOf('primary')).toBe(5);

    // Five tokens pay for one retry again, and its success gives one back.
    sim.faults.add({
      match: { region: 'us-east-1' },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const retried = await ask();
    expect(attemptRows(retried.attempts)).toEqual([
      ['primary', 'failure', 'throttled'],
      ['primary', 'success', undefined],
    ]);
    expect(budgetOf('primary')).toBe(1);
    expect(events.retries).toHaveLength(5);
  });

  it('charges network retries the higher retryCost', async () => {
    const { sim, events, ask, budgetOf } = await stormOnPrimary({ type: 'reset' });
    for (let request = 0; request < 5; request++) expect((await ask()).servedBy.endpointId).toBe('fallback');
    // 20 tokens / 10 per retry = 2 retries, both on the first request.
    expect(events.retries.map((retry) => retry.reason)).toEqual(['network', 'network']);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(5 + 2);
    expect(events.budgetExhausted).toHaveLength(4);
    expect(budgetOf('primary')).toBe(0);
  });
});
