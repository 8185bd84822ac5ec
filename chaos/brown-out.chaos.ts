import { describe, expect, it } from 'vitest';
import { HAIKU, harness, load, report, requestCount, TOKYO_PROMPT, userMessage, values } from './harness.js';

// Reliability matrix #4: a brown-out (30% 5xx and added latency) under the default retry budget.
const { simulator, engine } = harness();
const WARM_UP = 400;
const MEASURED = 1_000;
const CONCURRENCY = 50;

describe('brown-out', () => {
  it('serves every request, keeps retries under 10% of load in steady state, and does not flap', async () => {
    const sim = await simulator();
    // As scenarios/brown-out.yaml: us-east-1 answers 30% ServiceUnavailableException, 40-120 ms slower.
    sim.faults.add({
      match: { region: 'us-east-1' },
      when: { probability: 0.3 },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: { min: 40, max: 120 } } });
    const ha = engine(sim, {
      // Default retry (2 attempts, 100 ms base backoff) and retry budget; a sampling breaker that a
      // 30% failure rate must not open.
      policy: {
        breaker: {
          mode: 'sampling',
          failureRate: 0.5,
          windowMs: 5_000,
          minimumRps: 5,
          halfOpenAfterMs: 5_000,
          maxHalfOpenAfterMs: 60_000,
        },
      },
      chains: {
        haiku: {
          endpoints: [
            { id: 'primary', region: 'us-east-1', modelId: HAIKU },
            { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    let retries = 0;
    let budgetExhausted = 0;
    const breakerChanges: string[] = [];
    ha.onRetry(() => {
      retries++;
    });
    ha.onBudgetExhausted(() => {
      budgetExhausted++;
    });
    ha.onBreakerStateChange((event) => breakerChanges.push(`${event.endpoint.endpointId} ${event.state}`));
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    // The warm-up spends the budget's initial 500 tokens; what follows is the steady state.
    values(await load(WARM_UP, CONCURRENCY, ask));
    const warmUpRetries = retries;
    retries = 0;
    sim.reset();
    const results = values(await load(MEASURED, CONCURRENCY, ask));

    const retryShare = retries / MEASURED;
    const upstream = requestCount(sim);
    const primaryShare =
      results.filter((result) => result.servedBy.endpointId === 'primary').length / MEASURED;
    expect(retryShare).toBeLessThan(0.1);
    expect(budgetExhausted).toBeGreaterThan(0);
    expect(breakerChanges).toEqual([]);
    // The primary keeps most of the traffic: a brown-out is not an outage.
    expect(primaryShare).toBeGreaterThan(0.6);
    expect(upstream).toBeLessThanOrEqual(1.5 * MEASURED);
    report('brown-out', {
      warmUpRequests: WARM_UP,
      warmUpRetries,
      measuredRequests: MEASURED,
      failed: 0,
      steadyStateRetries: retries,
      retryShare: Number(retryShare.toFixed(3)),
      upstreamPerRequest: Number((upstream / MEASURED).toFixed(3)),
      servedByPrimary: Number(primaryShare.toFixed(3)),
      breakerChanges: breakerChanges.length,
    });
  });
});
