import type { BedrockHA, BedrockHAConfig } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  HAIKU,
  harness,
  load,
  ptArn,
  report,
  requestCount,
  TOKYO_PROMPT,
  userMessage,
  values,
} from './harness.js';

// Reliability matrix #1 (PT throttling storm) and #7's bound on retry amplification.
const { simulator, engine } = harness();
const PT_ID = 'abcdefghijkl';
const PT = { name: 'pt-east', region: 'us-east-1', modelId: `${HAIKU}:48k`, id: PT_ID };
const REQUESTS = 600;
const CONCURRENCY = 40;

function ptChain(): BedrockHAConfig {
  return {
    chains: {
      haiku: {
        endpoints: [
          { id: 'pt-east', modelId: ptArn('us-east-1', PT_ID) },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
          { id: 'eu', region: 'eu-west-1', modelId: HAIKU },
        ],
      },
    },
  };
}

/** Counts the engine's retries and failovers that moved a request on to another endpoint. */
function countDecisions(ha: BedrockHA) {
  const counts = { retries: 0, failovers: 0 };
  ha.onRetry(() => {
    counts.retries++;
  });
  ha.onFailover((event) => {
    if (event.to) counts.failovers++;
  });
  return counts;
}

describe('PT throttling storm', () => {
  it('fails no request while a fallback has capacity, and never retries the saturated PT', async () => {
    const sim = await simulator({ provisionedThroughputs: [PT] });
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const ha = engine(sim, ptChain());
    const counts = countDecisions(ha);

    const started = performance.now();
    const results = values(
      await load(REQUESTS, CONCURRENCY, () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })),
    );
    const seconds = (performance.now() - started) / 1000;

    expect(results.every((result) => result.servedBy.endpointId === 'west')).toBe(true);
    // A saturated PT is failed over at once (provisionedThrottling: 'failover'), and once its
    // breaker opens it is skipped: the storm costs the PT at most a few calls per breaker cycle.
    expect(counts.retries).toBe(0);
    const ptCalls = requestCount(sim, { region: 'us-east-1' });
    expect(ptCalls).toBeLessThan(REQUESTS * 0.1);
    report('PT throttling storm', {
      requests: REQUESTS,
      failed: 0,
      ptCalls,
      failovers: counts.failovers,
      requestsPerSecond: Math.round(REQUESTS / seconds),
    });
  });

  it('spills to on-demand when the PT runs out of its own capacity, with no fault injected', async () => {
    // About 30 answers' worth of tokens a minute: the simulator throttles the PT by itself.
    const sim = await simulator({
      provisionedThroughputs: [{ ...PT, tokensPerMinute: 1_000, burstSeconds: 60 }],
    });
    const ha = engine(sim, ptChain());

    const results = values(
      await load(REQUESTS, CONCURRENCY, () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })),
    );
    const servedBy = (id: string) => results.filter((result) => result.servedBy.endpointId === id).length;

    expect(servedBy('pt-east')).toBeGreaterThan(0);
    expect(servedBy('west')).toBeGreaterThan(REQUESTS / 2);
    expect(servedBy('pt-east') + servedBy('west')).toBe(REQUESTS);
    report('PT out of capacity', {
      requests: REQUESTS,
      failed: 0,
      pt: servedBy('pt-east'),
      west: servedBy('west'),
    });
  });
});

describe('retry amplification under a storm', () => {
  for (const breaker of ['off', 'default'] as const) {
    it(`keeps upstream attempts within 1.1x requests + failovers (breaker ${breaker})`, async () => {
      const sim = await simulator();
      // An on-demand primary throttled without end: every failure is retryable, so only the retry
      // budget (500 tokens, 5 per throttling retry, refilled only by successes) stops the retries.
      sim.faults.add({
        match: { region: 'us-east-1' },
        fault: { type: 'error', error: 'ThrottlingException' },
      });
      const ha = engine(sim, {
        policy: {
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
          ...(breaker === 'off' && { breaker: { mode: 'off' } }),
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
      const counts = countDecisions(ha);
      // At least 1,000: the budget's 100 retries must fit in the 10% the bound allows.
      const requests = 1_500;

      const results = values(
        await load(requests, CONCURRENCY, () =>
          ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }),
        ),
      );

      const upstream = requestCount(sim);
      const bound = 1.1 * requests + counts.failovers;
      expect(results).toHaveLength(requests);
      expect(upstream).toBeLessThanOrEqual(bound);
      // The whole bucket buys at most 500 / 5 = 100 retries when the endpoint never succeeds.
      expect(counts.retries).toBeLessThanOrEqual(100);
      report(`retry amplification, breaker ${breaker}`, {
        requests,
        upstreamAttempts: upstream,
        failovers: counts.failovers,
        retries: counts.retries,
        bound,
        amplification: Number((upstream / requests).toFixed(3)),
      });
    });
  }
});
