import { AllEndpointsFailedError } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  HAIKU,
  harness,
  load,
  median,
  ms,
  report,
  requestCount,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

// Reliability matrix #7: every endpoint failing.
const { simulator, engine } = harness();
const REGIONS = { east: 'us-east-1', west: 'us-west-2', eu: 'eu-west-1' };

describe('all endpoints down', () => {
  it('fails fast with one AllEndpointsFailedError that lists every attempt, then skips every open breaker', async () => {
    const sim = await simulator();
    sim.faults.add({ match: {}, fault: { type: 'error', error: 'ServiceUnavailableException' } });
    const ha = engine(sim, {
      // Default retry (2 attempts per endpoint, 100 ms base backoff) and breaker (opens after 5).
      chains: {
        haiku: {
          endpoints: Object.entries(REGIONS).map(([id, region]) => ({ id, region, modelId: HAIKU })),
        },
      },
    });
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    const first = await load(1, 1, ask);
    expect(first[0]!.status).toBe('rejected');
    // Two attempts on each of three endpoints, with at most 3 backoffs of up to 100 ms between them.
    expect(first[0]!.ms).toBeLessThan(1_000);

    const results = [...first, ...(await load(300, 20, ask))];
    let listed = 0;
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as { reason: unknown }).reason;
      expect(error).toBeInstanceOf(AllEndpointsFailedError);
      const { attempts, message } = error as AllEndpointsFailedError;
      // Every endpoint appears, failed or skipped, and the message names each one.
      expect(new Set(attempts.map((attempt) => attempt.endpoint.endpointId))).toEqual(
        new Set(Object.keys(REGIONS)),
      );
      for (const id of Object.keys(REGIONS)) expect(message).toContain(id);
      for (const attempt of attempts)
        expect(attempt.outcome === 'skipped' ? attempt.reason : attempt.errorName).toMatch(
          /^(circuit-open|ServiceUnavailableException)$/,
        );
      listed += attempts.filter((attempt) => attempt.outcome === 'failure').length;
    }
    // Every upstream call is in some error's attempt list: none is hidden.
    expect(listed).toBe(requestCount(sim));
    // Once every breaker is open, a request fails without calling anything, in well under a millisecond.
    const allSkipped = results.filter((result) =>
      ((result as { reason: AllEndpointsFailedError }).reason.attempts ?? []).every(
        (attempt) => attempt.outcome === 'skipped',
      ),
    );
    expect(allSkipped.length).toBeGreaterThan(250);
    expect(median(allSkipped.map((result) => result.ms))).toBeLessThan(2);
    report('all endpoints down', {
      requests: results.length,
      firstRequestMs: ms(first[0]!.ms),
      firstRequestAttempts: (first[0] as { reason: AllEndpointsFailedError }).reason.attempts.length,
      upstreamCalls: requestCount(sim),
      failedFastWithAllSkipped: allSkipped.length,
      allSkippedMedianMs: ms(median(allSkipped.map((result) => result.ms))),
    });
  });
});
