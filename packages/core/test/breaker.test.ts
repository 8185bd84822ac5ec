import { setTimeout as sleep } from 'node:timers/promises';
import type { Simulator } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import type { BreakerConfig, EndpointConfig } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  requestCount,
  settleAll,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const CONSECUTIVE: BreakerConfig = {
  mode: 'consecutive',
  failures: 3,
  halfOpenAfterMs: 400,
  maxHalfOpenAfterMs: 2_000,
};
const SERVED_BY_FALLBACK = [
  ['primary', 'skipped', 'circuit-open'],
  ['fallback', 'success', undefined],
];

/** A primary in us-east-1 and a fallback in us-west-2, one attempt each, so one request is one breaker call. */
async function primaryAndFallback(
  sim: Simulator,
  breaker: BreakerConfig,
  primary: Partial<EndpointConfig> = {},
) {
  const ha = engine(sim, {
    chains: {
      haiku: {
        endpoints: [
          { id: 'primary', region: 'us-east-1', modelId: HAIKU, ...primary },
          { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
        ],
        policy: { retry: { maxAttempts: 1 }, breaker, timeouts: { attemptMs: 1_000 } },
      },
    },
  });
  const events = recordEvents(ha);
  const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
  const primaryBreaker = () => ha.health().find((endpoint) => endpoint.endpointId === 'primary')?.breaker;
  const states = () =>
    events.breaker.filter((event) => event.endpoint.endpointId === 'primary').map((event) => event.state);
  return { ha, events, ask, primaryBreaker, states };
}

describe('consecutive breaker', () => {
  it('opens on a region outage, keeps every call away while open, then one probe closes it', async () => {
    const sim = await simulator();
    const east = await sim.regions.url('us-east-1');
    await sim.regions.down('us-east-1');
    const { ask, primaryBreaker, states } = await primaryAndFallback(sim, CONSECUTIVE, {
      client: { endpoint: east },
    });

    for (let request = 1; request <= 3; request++) {
      const { attempts } = await ask();
      expect(attemptRows(attempts)).toEqual([
        ['primary', 'failure', 'network'],
        ['fallback', 'success', undefined],
      ]);
    }
    expect(states()).toEqual(['open']);
    expect(primaryBreaker()).toBe('open');

    // The region recovers, but the breaker keeps traffic away until its half-open delay.
    await sim.regions.up('us-east-1');
    const whileOpen = await settleAll(Array.from({ length: 5 }, () => ask()));
    for (const result of whileOpen) {
      if (result.status === 'rejected') throw result.reason;
      expect(attemptRows(result.value.attempts)).toEqual(SERVED_BY_FALLBACK);
      // Failing over past an open breaker costs no attempt timeout (1,000 ms here).
      expect(result.value.attempts[0]!.durationMs).toBeLessThan(500);
    }
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(0);

    await sleep(450);
    const probe = await ask();
    expect(attemptRows(probe.attempts)).toEqual([['primary', 'success', undefined]]);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
    expect(states()).toEqual(['open', 'half-open', 'closed']);
    expect(primaryBreaker()).toBe('closed');
    expect((await ask()).servedBy.endpointId).toBe('primary');
  });

  it('re-opens with a longer wait when the probe fails', async () => {
    const sim = await simulator();
    const outage = sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const { ask, states } = await primaryAndFallback(sim, CONSECUTIVE);
    for (let request = 1; request <= 3; request++) await ask();
    expect(states()).toEqual(['open']);

    await sleep(450);
    const failedProbe = await ask();
    expect(attemptRows(failedProbe.attempts)).toEqual([
      ['primary', 'failure', 'unavailable'],
      ['fallback', 'success', undefined],
    ]);
    expect(states()).toEqual(['open', 'half-open', 'open']);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(4);

    // The second open period is twice the first, 800 ms: at 400 ms it still turns calls away.
    await sleep(400);
    expect(attemptRows((await ask()).attempts)).toEqual(SERVED_BY_FALLBACK);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(4);

    sim.faults.remove(outage);
    await sleep(450);
    expect((await ask()).servedBy.endpointId).toBe('primary');
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(5);
    expect(states()).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('fails concurrent requests over while the half-open probe is in flight, instead of holding them', async () => {
    const sim = await simulator();
    const outage = sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const { ask, primaryBreaker, states } = await primaryAndFallback(sim, CONSECUTIVE);
    for (let request = 1; request <= 3; request++) await ask();
    sim.faults.remove(outage);
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 300 } });
    await sleep(450);

    // The first request becomes the probe; the other five arrive while it is in flight.
    const started = performance.now();
    const settledAt: number[] = [];
    const requests = Array.from({ length: 6 }, (_, index) =>
      ask().finally(() => {
        settledAt[index] = performance.now() - started;
      }),
    );
    expect(primaryBreaker()).toBe('half-open');
    const [probe, ...others] = await settleAll(requests);
    if (probe?.status !== 'fulfilled') throw new Error('the probe failed');
    expect(attemptRows(probe.value.attempts)).toEqual([['primary', 'success', undefined]]);
    for (const other of others) {
      if (other.status === 'rejected') throw other.reason;
      expect(attemptRows(other.value.attempts)).toEqual(SERVED_BY_FALLBACK);
    }
    // None waited for the 300 ms probe.
    const [probeSettled, ...othersSettled] = settledAt;
    expect(probeSettled).toBeGreaterThanOrEqual(299);
    expect(Math.max(...othersSettled)).toBeLessThan(probeSettled!);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(4);
    expect(states()).toEqual(['open', 'half-open', 'closed']);
  });
});

describe('sampling breaker', () => {
  const SAMPLING: BreakerConfig = {
    mode: 'sampling',
    failureRate: 0.5,
    windowMs: 2_000,
    minimumRps: 20,
    halfOpenAfterMs: 5_000,
    maxHalfOpenAfterMs: 5_000,
  };

  it('does not open under a 30% brown-out, and opens when every call fails', async () => {
    const sim = await simulator({ seed: 42 });
    const brownOut = sim.faults.add({
      match: { region: 'us-east-1' },
      when: { probability: 0.3 },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const { ask, primaryBreaker, states } = await primaryAndFallback(sim, SAMPLING);

    const servedBy = { primary: 0, fallback: 0 };
    for (let request = 0; request < 200; request++)
      servedBy[(await ask()).servedBy.endpointId as 'primary']++;
    expect(states()).toEqual([]);
    expect(primaryBreaker()).toBe('closed');
    // Every call reached the primary; about 30% failed over.
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(200);
    expect(servedBy.fallback).toBeGreaterThan(30);
    expect(servedBy.fallback).toBeLessThan(90);

    sim.faults.remove(brownOut);
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    let untilOpen = 0;
    while (primaryBreaker() === 'closed' && untilOpen < 500) {
      await ask();
      untilOpen++;
    }
    expect(states()).toEqual(['open']);
    expect(untilOpen).toBeLessThan(500);
    const callsWhenOpened = requestCount(sim, { region: 'us-east-1' });
    expect(attemptRows((await ask()).attempts)).toEqual(SERVED_BY_FALLBACK);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(callsWhenOpened);
  });
});
