import { setTimeout as sleep } from 'node:timers/promises';
import type { BedrockHA, BreakerState } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  attemptRows,
  HAIKU,
  harness,
  load,
  median,
  ms,
  report,
  requestCount,
  TOKYO_PROMPT,
  userMessage,
  values,
} from './harness.js';

// Reliability matrix #2 (full region outage: connections refused) and #5 (recovery).
const { simulator, engine } = harness();
const CONCURRENCY = 20;

/** A primary on us-east-1's own port (so the region can refuse connections) and a fallback. */
async function outageSetup(halfOpenAfterMs: number) {
  const sim = await simulator();
  const east = await sim.regions.url('us-east-1');
  const ha = engine(sim, {
    policy: {
      retry: { maxAttempts: 1 },
      breaker: { mode: 'consecutive', failures: 5, halfOpenAfterMs, maxHalfOpenAfterMs: halfOpenAfterMs * 4 },
      // Generous: the outage is refused connections, and a loaded machine must not time the fallback out.
      timeouts: { attemptMs: 10_000 },
    },
    chains: {
      haiku: {
        endpoints: [
          { id: 'primary', region: 'us-east-1', modelId: HAIKU, client: { endpoint: east } },
          { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  });
  // Each change of the primary's breaker, with the calls us-east-1 had received by then.
  const breaker: { state: BreakerState; at: number; regionCalls: number }[] = [];
  ha.onBreakerStateChange((event) => {
    if (event.endpoint.endpointId !== 'primary') return;
    breaker.push({
      state: event.state,
      at: performance.now(),
      regionCalls: requestCount(sim, { region: 'us-east-1' }),
    });
  });
  const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
  return { sim, ha, ask, breaker };
}

function primaryBreaker(ha: BedrockHA) {
  return ha.health().find((endpoint) => endpoint.endpointId === 'primary')?.breaker;
}

describe('full outage of a region', () => {
  it('opens the breaker, then skips the region in well under a millisecond per request', async () => {
    const { sim, ha, ask, breaker } = await outageSetup(30_000);
    await sim.regions.down('us-east-1');

    const settled = await load(600, CONCURRENCY, ask);
    const results = values(settled).map((result, index) => ({ ...result, ms: settled[index]!.ms }));

    expect(breaker.map((change) => change.state)).toEqual(['open']);
    expect(primaryBreaker(ha)).toBe('open');
    expect(results.every((result) => result.servedBy.endpointId === 'fallback')).toBe(true);
    // Only requests already in flight when it opened met the refused connection.
    const refused = results.filter((result) => result.attempts[0]?.outcome === 'failure');
    expect(refused.length).toBeLessThanOrEqual(5 + CONCURRENCY);
    for (const result of refused) expect(result.attempts[0]?.reason).toBe('network');
    const skipped = results.filter((result) => result.attempts[0]?.reason === 'circuit-open');
    expect(skipped.length).toBe(results.length - refused.length);
    for (const result of skipped)
      expect(attemptRows(result.attempts)).toEqual([
        ['primary', 'skipped', 'circuit-open'],
        ['fallback', 'success', undefined],
      ]);

    // The time a skip adds: the skipped attempt's own duration, and the request's time beyond
    // its serving attempt. Medians, with a loose bound on the slowest for a noisy shared machine.
    const skipMs = skipped.map((result) => result.attempts[0]!.durationMs);
    const addedMs = skipped.map((result) => result.ms - result.attempts[1]!.durationMs);
    expect(median(skipMs)).toBeLessThan(0.5);
    expect(median(addedMs)).toBeLessThan(2);
    expect(Math.max(...skipMs)).toBeLessThan(50);
    // Nothing else reached us-east-1 (its port refused every connection).
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(0);
    report('region outage', {
      requests: results.length,
      refusedBeforeOpen: refused.length,
      skipped: skipped.length,
      skipMedianMs: ms(median(skipMs)),
      skipMaxMs: ms(Math.max(...skipMs)),
      addedPerRequestMedianMs: ms(median(addedMs)),
    });
  });
});

describe('recovery', () => {
  it('returns traffic to the primary within one half-open cycle, through exactly one probe', async () => {
    const halfOpenAfterMs = 1_000;
    const { sim, ha, ask, breaker } = await outageSetup(halfOpenAfterMs);
    await sim.regions.down('us-east-1');
    values(await load(50, 5, ask));
    expect(primaryBreaker(ha)).toBe('open');
    const openedAt = breaker[0]!.at;

    await sim.regions.up('us-east-1');
    const upAt = performance.now();
    // Steady traffic through the open period and past it: 10 loops, one request each 20 ms.
    const served: { endpointId: string; at: number }[] = [];
    let stop = false;
    const loops = Array.from({ length: 10 }, async () => {
      while (!stop) {
        const result = await ask();
        served.push({ endpointId: result.servedBy.endpointId, at: performance.now() });
        await sleep(20);
      }
    });
    await sleep(halfOpenAfterMs * 2);
    stop = true;
    await Promise.all(loops);

    // One half-open cycle: open -> half-open -> closed, with no second opening.
    expect(breaker.map((change) => change.state)).toEqual(['open', 'half-open', 'closed']);
    const closedAt = breaker[2]!.at;
    expect(closedAt - openedAt).toBeLessThan(halfOpenAfterMs + 500);
    // The half-open state let exactly one probe reach the region before it closed (no herd).
    expect(breaker[2]!.regionCalls).toBe(1);
    const afterClose = served.filter((entry) => entry.at > closedAt + 50);
    expect(afterClose.length).toBeGreaterThan(0);
    expect(afterClose.every((entry) => entry.endpointId === 'primary')).toBe(true);
    expect(requestCount(sim, { region: 'us-east-1' })).toBeGreaterThan(0);
    report('recovery', {
      halfOpenAfterMs,
      openToClosedMs: Math.round(closedAt - openedAt),
      upToClosedMs: Math.round(closedAt - upAt),
      servedByPrimaryAfterClose: afterClose.length,
    });
  });
});
