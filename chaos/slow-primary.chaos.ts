import { DeadlineExceededError } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  attemptRows,
  HAIKU,
  harness,
  median,
  ms,
  outcomesIn,
  percentile,
  report,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

// Reliability matrix #3: a slow primary against the request's deadline.
const { simulator, engine } = harness();
const RUNS = 15;
/** Runs of the deadline criterion: enough for its p90 to mean something. */
const DEADLINE_RUNS = 25;

function slowChain(attemptMs: number) {
  return {
    policy: { retry: { maxAttempts: 1 }, breaker: { mode: 'off' as const }, timeouts: { attemptMs } },
    chains: {
      haiku: {
        endpoints: [
          { id: 'primary', region: 'us-east-1', modelId: HAIKU },
          { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  };
}

describe('slow primary', () => {
  it('honours the deadline within 50 ms (p90 of 25 runs, max < 150 ms) and aborts the upstream calls', async () => {
    const deadlineMs = 300;
    const sim = await simulator();
    // Every region answers after 2 s: only the deadline can end the request.
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 2_000 } });
    const ha = engine(sim, slowChain(60_000));

    const overshoots: number[] = [];
    for (let run = 0; run < DEADLINE_RUNS; run++) {
      const started = performance.now();
      const error = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }, { deadlineMs }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      overshoots.push(performance.now() - started - deadlineMs);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(attemptRows((error as DeadlineExceededError).attempts)).toEqual([
        ['primary', 'failure', 'deadline'],
      ]);
    }

    const p90 = percentile(overshoots, 0.9);
    const max = Math.max(...overshoots);
    report('slow primary, deadline', {
      deadlineMs,
      runs: DEADLINE_RUNS,
      overshootMedianMs: ms(median(overshoots)),
      overshootP90Ms: ms(p90),
      overshootMaxMs: ms(max),
    });
    // The criterion is "within 50 ms": nine runs in ten must meet it, and even the slowest may
    // miss it only by what 2 noisy shared cores add (a scheduling delay), never by a late timer.
    expect(p90).toBeLessThan(50);
    expect(max).toBeLessThan(150);
    expect(Math.min(...overshoots)).toBeGreaterThanOrEqual(-1);
    // The abort reached the socket: the simulator saw each call cancelled, none answered. Polled:
    // on a loaded machine the simulator may log the last cancellation a little after the rejection.
    await expect
      .poll(() => outcomesIn(sim, 'us-east-1'), { timeout: 5_000, interval: 50 })
      .toEqual({ aborted: DEADLINE_RUNS });
  });

  it('times the slow attempt out and answers from the fallback within the deadline', async () => {
    const attemptMs = 250;
    const sim = await simulator();
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 2_000 } });
    const ha = engine(sim, slowChain(attemptMs));

    const totals: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const result = await ha.converse(
        'haiku',
        { messages: userMessage(TOKYO_PROMPT) },
        { deadlineMs: 2_000 },
      );
      totals.push(performance.now() - started);
      expect(attemptRows(result.attempts)).toEqual([
        ['primary', 'failure', 'timeout'],
        ['fallback', 'success', undefined],
      ]);
      expect(result.attempts[0]?.errorName).toBe('AttemptTimeoutError');
      expect(result.attempts[0]?.durationMs).toBeGreaterThanOrEqual(attemptMs - 1);
    }
    const overshoot = median(totals) - attemptMs;
    expect(overshoot).toBeLessThan(50);
    report('slow primary, attempt timeout', {
      attemptMs,
      runs: RUNS,
      totalMedianMs: ms(median(totals)),
      beyondAttemptTimeoutMedianMs: ms(overshoot),
    });
  });
});
