import { DEFAULT_RETRY_BUDGET } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { HAIKU, harness, load, report, requestCount, TOKYO_PROMPT, userMessage, values } from './harness.js';

// Reliability matrix #4: a brown-out (30% 5xx and added latency) under the default retry budget.
const { simulator, engine } = harness();
const WARM_UP = 400;
const MEASURED = 1_000;
const CONCURRENCY = 50;
/**
 * Retries the default budget's initial tokens pay for (a retry after a 5xx costs `retryCost`):
 * the burst a fresh endpoint may spend before the budget's steady 1-in-14 limit applies.
 */
const INITIAL_RETRIES = Math.floor(DEFAULT_RETRY_BUDGET.capacity / DEFAULT_RETRY_BUDGET.retryCost);

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
    const warmUpBudgetExhausted = budgetExhausted;
    // Both counters restart together, so the steady-state figures count the measured requests only.
    retries = 0;
    budgetExhausted = 0;
    sim.reset();
    const results = values(await load(MEASURED, CONCURRENCY, ask));

    const retryShare = retries / MEASURED;
    const totalRetries = warmUpRetries + retries;
    const upstream = requestCount(sim);
    const primaryShare =
      results.filter((result) => result.servedBy.endpointId === 'primary').length / MEASURED;
    report('brown-out', {
      warmUpRequests: WARM_UP,
      warmUpRetries,
      warmUpBudgetExhausted,
      measuredRequests: MEASURED,
      failed: 0,
      steadyStateRetries: retries,
      steadyStateBudgetExhausted: budgetExhausted,
      retryShare: Number(retryShare.toFixed(3)),
      wholeRunRetries: totalRetries,
      wholeRunRetryLimit: 0.1 * (WARM_UP + MEASURED) + INITIAL_RETRIES,
      upstreamPerRequest: Number((upstream / MEASURED).toFixed(3)),
      servedByPrimary: Number(primaryShare.toFixed(3)),
      breakerChanges: breakerChanges.length,
    });
    expect(retryShare).toBeLessThan(0.1);
    // The budget still limits the steady state: it ran dry during the measured requests themselves.
    expect(budgetExhausted).toBeGreaterThan(0);
    // Over the whole run, warm-up included: 10% of load plus the initial tokens' burst, no more.
    expect(totalRetries).toBeLessThanOrEqual(0.1 * (WARM_UP + MEASURED) + INITIAL_RETRIES);
    expect(breakerChanges).toEqual([]);
    // The primary keeps most of the traffic: a brown-out is not an outage.
    expect(primaryShare).toBeGreaterThan(0.6);
    expect(upstream).toBeLessThanOrEqual(1.5 * MEASURED);
  });
});
