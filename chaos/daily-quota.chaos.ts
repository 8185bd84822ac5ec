import { fileURLToPath } from 'node:url';
import type { AttemptEvent, EndpointParkedEvent } from '@bedrock-ha/core';
import { loadScenario } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import { HAIKU, harness, report, TOKYO_PROMPT, UNLIMITED, userMessage } from './harness.js';

// Issue 16.3: a daily quota spent, day after day. The simulator's daily-quota scenario gives
// Claude 3 Haiku in us-east-1 200 tokens a day (about eleven answers) and ends a day every 3 s;
// the engine's daily window is set to match (policy.dailyQuota.windowMs).
const { simulator, engine } = harness();
const SCENARIO = fileURLToPath(new URL('../packages/simulator/scenarios/daily-quota.yaml', import.meta.url));
const DAY_MS = 3_000;
const RUN_MS = 10_000;
const CONCURRENCY = 10;

describe('daily quota spent', () => {
  it('fails no request, parks the endpoint each day without a probe storm, and brings traffic back after each reset', async () => {
    const scenario = await loadScenario(SCENARIO);
    const sim = await simulator({ ...scenario, quotas: { ...scenario.quotas, onDemand: UNLIMITED } });
    const ha = engine(sim, {
      policy: { dailyQuota: { windowMs: DAY_MS } },
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const attempts: (AttemptEvent & { day: number })[] = [];
    ha.onAttempt((event) => attempts.push({ ...event, day: Math.floor(Date.now() / DAY_MS) }));
    const parked: EndpointParkedEvent[] = [];
    ha.onEndpointParked((event) => parked.push(event));
    let retries = 0;
    ha.onRetry(() => {
      retries++;
    });

    let issued = 0;
    let failed = 0;
    const end = performance.now() + RUN_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          issued++;
          try {
            await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
          } catch {
            failed++;
          }
        }
      }),
    );

    const east = attempts.filter((attempt) => attempt.endpoint.endpointId === 'east');
    const days = [...new Set(east.map((attempt) => attempt.day))].sort();
    const perDay = days.map((day) => {
      const today = east.filter((attempt) => attempt.day === day);
      const count = (reason: string | undefined, outcome: string) =>
        today.filter((attempt) => attempt.outcome === outcome && attempt.reason === reason).length;
      return {
        day,
        served: count(undefined, 'success'),
        refused: count('daily-quota', 'failure'),
        parked: count('parked', 'skipped'),
      };
    });
    const full = perDay.slice(1, -1); // the first and last days are partial

    expect(failed).toBe(0);
    expect(retries).toBe(0);
    expect(full.length).toBeGreaterThanOrEqual(2);
    for (const day of full) {
      // Traffic came back after the reset, was parked when the quota ran out, and the endpoint
      // was refused at most once per request in flight (no retries, no probe storm).
      expect(day.served).toBeGreaterThan(0);
      expect(day.parked).toBeGreaterThan(0);
      expect(day.refused).toBeGreaterThan(0);
      expect(day.refused).toBeLessThanOrEqual(CONCURRENCY);
    }
    // Parked once per day, until the end of that day.
    expect(parked.length).toBeGreaterThanOrEqual(full.length);
    for (const event of parked) expect(Date.parse(event.until) % DAY_MS).toBe(0);
    expect(ha.health().find((health) => health.endpointId === 'east')?.breaker).toBe('closed');
    report('daily quota', { issued, failed, retries, parked: parked.length, perDay });
  });
});
