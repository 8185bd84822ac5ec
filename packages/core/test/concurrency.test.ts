import { describe, expect, it } from 'vitest';
import { AllEndpointsFailedError, BedrockHAError } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  requestCount,
  settleAll,
  TOKYO_PROMPT,
  UNLIMITED,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const ask = { messages: userMessage(TOKYO_PROMPT) };

/** An error the caller can act on: one of ours, or a modelled SDK error with its HTTP metadata. */
function isTyped(error: unknown): boolean {
  return BedrockHAError.isInstance(error) || (error instanceof Error && '$metadata' in error);
}

describe('under concurrency', () => {
  it('settles 200 concurrent requests exactly once each while the primary throttles half of them', async () => {
    const sim = await simulator({ seed: 7, quotas: { onDemand: UNLIMITED, inferenceProfile: UNLIMITED } });
    sim.faults.add({
      match: { region: 'us-east-1' },
      when: { probability: 0.5 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'primary', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
            { id: 'profile', region: 'us-east-2', modelId: `us.${HAIKU}` },
          ],
          policy: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } },
        },
      },
    });

    const results = await settleAll(
      Array.from({ length: 200 }, () => ha.converse('haiku', ask)),
      15_000,
    );
    expect(results).toHaveLength(200);
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(failures.filter((error) => !isTyped(error))).toEqual([]);
    // The fallbacks have capacity, so every request is served.
    expect(failures).toEqual([]);
    const served = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const byEndpoint: Record<string, number> = {};
    for (const result of served)
      byEndpoint[result.servedBy.endpointId] = (byEndpoint[result.servedBy.endpointId] ?? 0) + 1;
    expect(byEndpoint.primary).toBeGreaterThan(50);
    expect(byEndpoint.west).toBeGreaterThan(10);
    // Each request's attempts end with its one success.
    for (const result of served)
      expect(result.attempts.filter((attempt) => attempt.outcome === 'success')).toHaveLength(1);
    // Bounded work: at most two attempts on the primary and one on the fallback per request.
    expect(requestCount(sim)).toBeLessThanOrEqual(200 * 3);
  });

  it('admits maxConcurrent + maxQueued of 1,000 concurrent requests and rejects the rest at once (matrix #10)', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 300 } });
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [{ id: 'slow', region: 'us-east-1', modelId: HAIKU }],
          policy: { bulkhead: { maxConcurrent: 50, maxQueued: 100 } },
        },
      },
    });

    const started = performance.now();
    const settledAt: number[] = [];
    const requests = Array.from({ length: 1_000 }, (_, index) =>
      ha.converse('haiku', ask).finally(() => {
        settledAt[index] = performance.now() - started;
      }),
    );
    expect(ha.health()[0]).toMatchObject({ active: 50, queued: 100 });
    const results = await settleAll(requests, 15_000);

    const admitted = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
    const rejected = results.flatMap((result, index) => (result.status === 'rejected' ? [index] : []));
    expect(admitted).toHaveLength(150);
    expect(rejected).toHaveLength(850);
    for (const index of rejected) {
      const error = (results[index] as { reason: unknown }).reason;
      expect(error).toBeInstanceOf(AllEndpointsFailedError);
      expect(attemptRows((error as AllEndpointsFailedError).attempts)).toEqual([
        ['slow', 'skipped', 'bulkhead-full'],
      ]);
    }
    // Rejected before the first admitted call could finish its 300 ms.
    const lastRejection = Math.max(...rejected.map((index) => settledAt[index]!));
    const firstSuccess = Math.min(...admitted.map((index) => settledAt[index]!));
    expect(lastRejection).toBeLessThan(firstSuccess);
    // Three waves of 50.
    expect(Math.max(...admitted.map((index) => settledAt[index]!))).toBeGreaterThanOrEqual(900);
    expect(requestCount(sim)).toBe(150);
    expect(ha.health()[0]).toMatchObject({ active: 0, queued: 0, breaker: 'closed' });
  });
});
