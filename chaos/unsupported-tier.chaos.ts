import { fileURLToPath } from 'node:url';
import type { AttemptEvent } from '@bedrock-ha/core';
import { loadScenario } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import {
  converseText,
  drain,
  harness,
  load,
  outcomesIn,
  report,
  TOKYO_PROMPT,
  UNLIMITED,
  userMessage,
  values,
} from './harness.js';

// Issue 16.4: a chain that asks for service tiers the model or region refuses. In the simulator's
// service-tiers scenario Nova Micro offers only `default`, and Claude 3 Haiku has a reservation in
// us-east-1 only: flex Nova and reserved Haiku in us-west-2 are refused with a ValidationException.
const { simulator, engine } = harness();
const SCENARIO = fileURLToPath(
  new URL('../packages/simulator/scenarios/service-tiers.yaml', import.meta.url),
);
const NOVA = 'amazon.nova-micro-v1:0';
const REQUESTS = 600;
const CONCURRENCY = 20;

describe('unsupported service tier', () => {
  it('fails no request: each refused tier is an endpoint error, failed over, and its breaker stops the calls', async () => {
    const scenario = await loadScenario(SCENARIO);
    const sim = await simulator({ ...scenario, quotas: { onDemand: UNLIMITED } });
    const ha = engine(sim, {
      chains: {
        nova: {
          endpoints: [
            { id: 'nova-flex', region: 'us-east-1', modelId: NOVA, serviceTier: 'flex' },
            { id: 'nova-priority', region: 'us-west-2', modelId: NOVA, serviceTier: 'priority' },
            { id: 'nova-default', region: 'us-east-1', modelId: NOVA, serviceTier: 'default' },
          ],
        },
      },
    });
    const attempts: AttemptEvent[] = [];
    ha.onAttempt((event) => attempts.push(event));
    let retries = 0;
    ha.onRetry(() => {
      retries++;
    });

    const results = values(
      await load(REQUESTS, CONCURRENCY, async (index) => {
        const messages = userMessage(TOKYO_PROMPT);
        if (index % 3 !== 0) return (await ha.converse('nova', { messages })).servedBy;
        const streamed = await ha.converseStream('nova', { messages });
        const { error } = await drain(streamed.stream, converseText);
        if (error) throw error;
        return streamed.servedBy;
      }),
    );

    const refused = attempts.filter((attempt) => attempt.reason === 'unsupported-tier');
    const validation =
      (outcomesIn(sim, 'us-east-1').ValidationException ?? 0) +
      (outcomesIn(sim, 'us-west-2').ValidationException ?? 0);
    expect(
      results.every(
        (servedBy) => servedBy.endpointId === 'nova-default' && servedBy.serviceTier === 'default',
      ),
    ).toBe(true);
    expect(refused.every((attempt) => attempt.errorClass === 'endpoint')).toBe(true);
    expect(refused.length).toBe(validation);
    expect(retries).toBe(0);
    // Both refusing endpoints' breakers open after 5 failures: the refusals stay a small share.
    expect(validation).toBeLessThan(REQUESTS * 0.1);
    expect(attempts.filter((attempt) => attempt.reason === 'circuit-open').length).toBeGreaterThan(REQUESTS);
    report('unsupported tier', {
      requests: REQUESTS,
      failed: 0,
      refusedUpstream: validation,
      skippedCircuitOpen: attempts.filter((attempt) => attempt.reason === 'circuit-open').length,
    });
  });
});
