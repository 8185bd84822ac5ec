import { setTimeout as sleep } from 'node:timers/promises';
import type { Simulator } from '@bedrock-ha/simulator';
import { describe, expect, it, vi } from 'vitest';
import {
  type AttemptEvent,
  type BedrockHAOptions,
  DeadlineExceededError,
  type PolicyConfig,
} from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  rejection,
  requestCount,
  settle,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
/**
 * Margin over an exact deadline for a loaded machine (CI runs at load averages of 20 and more);
 * the matrix asks for 50 ms, which the bench, not a unit test, can hold a quiet machine to. Still
 * well short of the 2 s slow endpoint and of a fresh 400 ms attempt where the tests tell them apart.
 */
const SLACK_MS = 150;

/** A chain of endpoints in the given regions, all on the one simulator. */
function chainOf(
  sim: Simulator,
  regions: readonly string[],
  settings: { deadlineMs?: number; policy?: PolicyConfig } = {},
  options: BedrockHAOptions = {},
) {
  const ha = engine(
    sim,
    {
      chains: {
        haiku: {
          endpoints: regions.map((region) => ({ id: region, region, modelId: HAIKU })),
          ...settings,
        },
      },
    },
    options,
  );
  const events = recordEvents(ha);
  const attempts: AttemptEvent[] = [];
  ha.onAttempt((attempt) => attempts.push(attempt));
  const ask = (signal?: AbortSignal, deadlineMs?: number) =>
    ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }, { signal, deadlineMs });
  return { ha, events, attempts, ask };
}

const slow = (sim: Simulator, region: string, ms = 2_000) =>
  sim.faults.add({ match: { region }, fault: { type: 'latency', ms } });

/** Waits until the simulator has logged the request to `region` as aborted by the client. */
const abortedUpstream = (sim: Simulator, region: string) =>
  vi.waitFor(() => expect(sim.counters({ region })[0]?.outcomes).toEqual({ aborted: 1 }));

describe('the request deadline', () => {
  it('rejects with DeadlineExceededError by the deadline when the only endpoint is slow, aborting the call', async () => {
    const sim = await simulator();
    slow(sim, 'us-east-1');
    const { events, ask } = chainOf(sim, ['us-east-1'], { deadlineMs: 300 });

    const started = performance.now();
    const error = await rejection(ask());
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({ chain: 'haiku', deadlineMs: 300 });
    expect(attemptRows((error as DeadlineExceededError).attempts)).toEqual([
      ['us-east-1', 'failure', 'deadline'],
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(299);
    expect(elapsed).toBeLessThan(300 + SLACK_MS);
    expect(events.deadlines).toHaveLength(1);
    expect(events.deadlines[0]).toMatchObject({ chain: 'haiku', deadlineMs: 300 });
    await abortedUpstream(sim, 'us-east-1');
  });

  it('serves from a fast fallback when the attempt timeout ends the slow primary within the deadline', async () => {
    const sim = await simulator();
    slow(sim, 'us-east-1');
    const { ask } = chainOf(sim, ['us-east-1', 'us-west-2'], {
      policy: { retry: { maxAttempts: 1 }, timeouts: { attemptMs: 200 } },
    });
    const result = await settle(ask(undefined, 1_000));
    if (result.status === 'rejected') throw result.reason;
    expect(result.value.servedBy.endpointId).toBe('us-west-2');
    expect(result.value.attempts[0]).toMatchObject({ reason: 'timeout', errorName: 'AttemptTimeoutError' });
    expect(result.value.attempts[0]!.durationMs).toBeGreaterThanOrEqual(199);
    expect(result.value.attempts[0]!.durationMs).toBeLessThan(200 + SLACK_MS);
    expect(result.ms).toBeLessThan(1_000);
    await abortedUpstream(sim, 'us-east-1');
  });

  it('gives each attempt min(attemptMs, time left): the second endpoint gets only what the first left', async () => {
    const sim = await simulator();
    slow(sim, 'us-east-1');
    slow(sim, 'us-west-2');
    const { ask } = chainOf(sim, ['us-east-1', 'us-west-2'], {
      deadlineMs: 600,
      policy: { retry: { maxAttempts: 1 }, timeouts: { attemptMs: 400 } },
    });
    const started = performance.now();
    const error = await rejection(ask());
    expect(performance.now() - started).toBeLessThan(600 + SLACK_MS);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    const [first, second] = (error as DeadlineExceededError).attempts;
    expect(first).toMatchObject({ reason: 'timeout', errorName: 'AttemptTimeoutError' });
    expect(first!.durationMs).toBeGreaterThanOrEqual(399);
    expect(first!.durationMs).toBeLessThan(400 + SLACK_MS);
    // The deadline, not a fresh 400 ms, ended the second attempt.
    expect(second).toMatchObject({ reason: 'deadline', errorName: 'DeadlineExceededError' });
    expect(second!.durationMs).toBeLessThan(200 + SLACK_MS);
  });

  it('skips a backoff that would outlast the deadline and fails over instead', async () => {
    const sim = await simulator();
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const { ask, events } = chainOf(
      sim,
      ['us-east-1', 'us-west-2'],
      { deadlineMs: 1_000, policy: { retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 5_000 } } },
      { random: () => 0.5 },
    );
    const result = await settle(ask());
    if (result.status === 'rejected') throw result.reason;
    expect(result.value.servedBy.endpointId).toBe('us-west-2');
    // Neither the 2,500 ms backoff nor the deadline was waited out.
    expect(result.ms).toBeLessThan(1_000);
    expect(events.retries).toEqual([]);
  });
});

describe('caller cancellation', () => {
  it('rejects with the abort reason at once on abort() (not after the 2 s answer), aborts the call and tries nothing after', async () => {
    const sim = await simulator();
    slow(sim, 'us-east-1');
    const { ask, attempts } = chainOf(sim, ['us-east-1', 'us-west-2']);
    const controller = new AbortController();
    const request = ask(controller.signal);
    await sleep(100);
    const abortedAt = performance.now();
    controller.abort();
    const error = await rejection(request);
    const latency = performance.now() - abortedAt;
    expect(error).toBe(controller.signal.reason);
    expect(error).toMatchObject({ name: 'AbortError' });
    // At once: well before the slow answer's 2,000 ms; the bound leaves room for a loaded machine.
    expect(latency).toBeLessThan(500);
    expect(attempts.map((attempt) => attempt.endpoint.endpointId)).toEqual(['us-east-1']);
    await abortedUpstream(sim, 'us-east-1');
    expect(requestCount(sim, { region: 'us-west-2' })).toBe(0);
  });

  it('honours an abort during a backoff sleep at once', async () => {
    const sim = await simulator();
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const { ha, ask, attempts } = chainOf(
      sim,
      ['us-east-1', 'us-west-2'],
      { policy: { retry: { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 10_000 } } },
      { random: () => 0.99 },
    );
    const controller = new AbortController();
    let abortedAt = 0;
    ha.onRetry((retry) => {
      expect(retry.delayMs).toBe(9_900);
      // Mid-sleep, not before it starts.
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort(new Error('caller went away'));
      }, 30);
    });
    const error = await rejection(ask(controller.signal));
    expect(error).toEqual(new Error('caller went away'));
    // At once: not after the 9,900 ms backoff; the bound leaves room for a loaded machine.
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(attempts).toHaveLength(1);
    expect(requestCount(sim, { region: 'us-east-1' }) + requestCount(sim, { region: 'us-west-2' })).toBe(1);
  });

  it('makes no call at all with an already-aborted signal', async () => {
    const sim = await simulator();
    const { ask, attempts, events } = chainOf(sim, ['us-east-1', 'us-west-2'], { deadlineMs: 1_000 });
    const reason = new Error('already gone');
    const error = await rejection(ask(AbortSignal.abort(reason)));
    expect(error).toBe(reason);
    expect(attempts).toEqual([]);
    expect(events.failovers).toEqual([]);
    expect(events.deadlines).toEqual([]);
    expect(sim.requests()).toEqual([]);
  });
});
