import { setTimeout as sleep } from 'node:timers/promises';
import { type BedrockHA, BedrockHAError } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  converseText,
  drain,
  HAIKU,
  harness,
  report,
  STORY_PROMPT,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

// 200 requests in flight for a sustained window while every kind of fault fires at random: no
// request may be lost or hang, and each must end in an answer or one of bedrock-ha's typed errors.
const { simulator, engine } = harness();
const CONCURRENCY = 200;
const SECONDS = Number(process.env.CHAOS_SOAK_SECONDS ?? 20);
// Generous: on 2 shared cores, 200 requests in flight through one process (engine, SDK and
// simulator) queue for up to a second or two before any fault; the timeouts must catch the faults,
// not that queue.
const DEADLINE_MS = 10_000;
const ATTEMPT_MS = 3_000;
/** A request still pending this long after its deadline is hung. */
const HUNG_AFTER_MS = DEADLINE_MS + 5_000;
const ERROR_PAUSE_MS = 100;

/** Random faults, seeded (the simulator's `seed`), on two of the three regions. */
const FAULTS = [
  { region: 'us-east-1', probability: 0.15, fault: { type: 'error', error: 'ThrottlingException' } },
  { region: 'us-east-1', probability: 0.1, fault: { type: 'error', error: 'ServiceUnavailableException' } },
  { region: 'us-east-1', probability: 0.03, fault: { type: 'reset' } },
  { region: 'us-east-1', probability: 0.01, fault: { type: 'hang' } },
  { region: 'us-east-1', probability: 0.03, fault: { type: 'malformed', variant: 'truncated-json' } },
  { region: 'us-east-1', probability: 0.05, fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' } },
  { region: 'us-east-1', probability: 0.3, fault: { type: 'latency', ms: { min: 0, max: 80 } } },
  { region: 'us-west-2', probability: 0.05, fault: { type: 'error', error: 'InternalServerException' } },
  { region: 'us-west-2', probability: 0.02, fault: { type: 'stream-stall', afterEvents: 1, ms: 6_000 } },
  { region: 'us-west-2', probability: 0.02, fault: { type: 'reset' } },
] as const;

/** A small seeded generator (mulberry32), so the mix of operations replays the same way. */
function seededRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One request, streaming (read to its end) or not; resolves to how it ended. */
async function request(ha: BedrockHA, stream: boolean): Promise<string> {
  try {
    if (stream) {
      const result = await ha.converseStream(
        'haiku',
        { messages: userMessage(STORY_PROMPT) },
        { deadlineMs: DEADLINE_MS },
      );
      const { error } = await drain(result.stream, converseText);
      if (error) throw error;
    } else await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }, { deadlineMs: DEADLINE_MS });
    return 'success';
  } catch (error) {
    if (BedrockHAError.isInstance(error)) return error.name;
    // Anything else escaped the engine untyped: report its name so the test shows it.
    return `untyped ${(error as Error)?.name}: ${(error as Error)?.message}`;
  }
}

/** `work`, or 'hung' when it has not settled after `withinMs`. */
async function orHung(work: Promise<string>, withinMs: number): Promise<string> {
  const controller = new AbortController();
  const hung = sleep(withinMs, 'hung', { signal: controller.signal }).catch(() => 'cleared');
  try {
    return await Promise.race([work, hung]);
  } finally {
    controller.abort();
  }
}

describe(`${CONCURRENCY} concurrent requests for ${SECONDS} s with random faults`, () => {
  it('loses no request and hangs none: each ends in an answer or a typed error', async () => {
    const sim = await simulator({ seed: 7 });
    for (const { region, probability, fault } of FAULTS)
      sim.faults.add({ match: { region }, when: { probability }, fault: structuredClone(fault) as never });
    const ha = engine(sim, {
      policy: {
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
        breaker: { mode: 'consecutive', failures: 5, halfOpenAfterMs: 1_000, maxHalfOpenAfterMs: 4_000 },
        timeouts: { attemptMs: ATTEMPT_MS, firstTokenMs: ATTEMPT_MS, idleMs: ATTEMPT_MS },
      },
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
            { id: 'eu', region: 'eu-west-1', modelId: HAIKU },
          ],
        },
      },
    });
    const random = seededRandom(42);
    const outcomes: Record<string, number> = {};
    let issued = 0;
    let settled = 0;
    const endAt = performance.now() + SECONDS * 1_000;
    const loops = Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < endAt) {
        issued++;
        const outcome = await orHung(request(ha, random() < 0.3), HUNG_AFTER_MS);
        settled++;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        // A client that got an error pauses before its next request, as real ones do; without it,
        // 200 loops would spin on instant failures whenever every breaker is open at once.
        if (outcome !== 'success') await sleep(ERROR_PAUSE_MS);
      }
    });
    await Promise.all(loops);

    report('soak', {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      issued,
      settled,
      outcomes,
      upstreamCalls: sim.counters().reduce((sum, counter) => sum + counter.requests, 0),
    });
    const untyped = Object.keys(outcomes).filter((outcome) => outcome.startsWith('untyped'));
    expect(outcomes.hung ?? 0).toBe(0);
    expect(untyped).toEqual([]);
    expect(settled).toBe(issued);
    // How many are answered depends on the machine more than the engine: under other load, 200
    // requests in flight through one process queue past their timeouts, and the engine then sheds
    // them with typed errors, as it should. The criterion is that none is lost, hung or untyped.
    expect(outcomes.success ?? 0).toBeGreaterThan(0);
    // Nothing left in flight or queued on any endpoint.
    for (const endpoint of ha.health())
      expect([endpoint.endpointId, endpoint.active, endpoint.queued]).toEqual([endpoint.endpointId, 0, 0]);
  });
});
