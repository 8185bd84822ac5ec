import { setTimeout as sleep } from 'node:timers/promises';
import type { Attempt, BedrockHA, BreakerState } from '@bedrock-ha/core';
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
/** The primary's breaker opens after this many failures in a row. */
const BREAKER_FAILURES = 5;

/** A primary on us-east-1's own port (so the region can refuse connections) and a fallback. */
async function outageSetup(halfOpenAfterMs: number) {
  const sim = await simulator();
  const east = await sim.regions.url('us-east-1');
  const ha = engine(sim, {
    policy: {
      retry: { maxAttempts: 1 },
      breaker: {
        mode: 'consecutive',
        failures: BREAKER_FAILURES,
        halfOpenAfterMs,
        maxHalfOpenAfterMs: halfOpenAfterMs * 4,
      },
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

/** Every attempt of `results` that failed for want of a connection. */
function networkFailures(results: readonly { attempts: readonly Attempt[] }[]): Attempt[] {
  return results.flatMap((result) =>
    result.attempts.filter((attempt) => attempt.outcome === 'failure' && attempt.reason === 'network'),
  );
}

function primaryBreaker(ha: BedrockHA) {
  return ha.health().find((endpoint) => endpoint.endpointId === 'primary')?.breaker;
}

describe('full outage of a region', () => {
  it('opens the breaker, then skips the region in well under a millisecond per request', async () => {
    const { sim, ha, ask, breaker } = await outageSetup(30_000);
    await sim.regions.down('us-east-1');

    // Each request with the time it started, to tell those issued before the breaker opened.
    const settled = await load(600, CONCURRENCY, async () => {
      const startedAt = performance.now();
      return { ...(await ask()), startedAt };
    });
    const results = values(settled).map((result, index) => ({ ...result, ms: settled[index]!.ms }));

    expect(breaker.map((change) => change.state)).toEqual(['open']);
    expect(primaryBreaker(ha)).toBe('open');
    const openedAt = breaker[0]!.at;
    expect(results.every((result) => result.servedBy.endpointId === 'fallback')).toBe(true);
    // Requests that met the refused connection: at least the failures that opened the breaker, at
    // most those plus the ones already in flight when it opened.
    const refused = results.filter((result) => result.attempts[0]?.outcome === 'failure');
    expect(refused.length).toBeGreaterThanOrEqual(BREAKER_FAILURES);
    expect(refused.length).toBeLessThanOrEqual(BREAKER_FAILURES + CONCURRENCY);
    for (const result of refused) {
      expect(attemptRows(result.attempts)).toEqual([
        ['primary', 'failure', 'network'],
        ['fallback', 'success', undefined],
      ]);
      expect(result.startedAt).toBeLessThan(openedAt);
    }
    // Each refused connection is one network failure in the attempt records, and there are no others.
    expect(networkFailures(results).length).toBe(refused.length);
    const skipped = results.filter((result) => result.attempts[0]?.reason === 'circuit-open');
    expect(skipped.length).toBe(results.length - refused.length);
    for (const result of skipped)
      expect(attemptRows(result.attempts)).toEqual([
        ['primary', 'skipped', 'circuit-open'],
        ['fallback', 'success', undefined],
      ]);
    // Every request issued after the breaker opened skipped the region without trying it.
    const afterOpen = results.filter((result) => result.startedAt > openedAt);
    expect(afterOpen.length).toBeGreaterThan(results.length / 2);
    expect(afterOpen.every((result) => result.attempts[0]?.reason === 'circuit-open')).toBe(true);
    expect(networkFailures(afterOpen)).toEqual([]);

    // The time a skip adds: the skipped attempt's own duration, and the request's time beyond
    // its serving attempt. Medians, with a loose bound on the slowest for a noisy shared machine.
    const skipMs = skipped.map((result) => result.attempts[0]!.durationMs);
    const addedMs = skipped.map((result) => result.ms - result.attempts[1]!.durationMs);
    expect(median(skipMs)).toBeLessThan(0.5);
    expect(median(addedMs)).toBeLessThan(2);
    expect(Math.max(...skipMs)).toBeLessThan(50);
    report('region outage', {
      requests: results.length,
      refusedBeforeOpen: refused.length,
      networkFailures: networkFailures(results).length,
      skipped: skipped.length,
      issuedAfterOpen: afterOpen.length,
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
    // Each request with the time it started: one started while the breaker was open may finish
    // after it closed, on a loaded machine, and was rightly served by the fallback.
    const served: { endpointId: string; at: number }[] = [];
    let stop = false;
    const loops = Array.from({ length: 10 }, async () => {
      while (!stop) {
        const startedAt = performance.now();
        const result = await ask();
        served.push({ endpointId: result.servedBy.endpointId, at: startedAt });
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
