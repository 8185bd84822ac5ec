import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { FaultEffect } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import {
  type BedrockHA,
  IncompleteStreamError,
  StreamIdleTimeoutError,
  StreamInterruptedError,
} from '../src/index.js';
import {
  converseText,
  drain,
  HAIKU,
  haikuPt,
  harness,
  outcomesIn,
  ptArn,
  userMessage,
  watchTimers,
} from './harness.js';

const { simulator, engine } = harness();
const PT = ptArn('us-east-1', 'streampt0001');
/** A prompt without a canned answer: the simulator generates 24 tokens, one event each. */
const PROMPT = 'Explain failover in a few sentences.';
const POLICY = { retry: { maxAttempts: 1 }, timeouts: { firstTokenMs: 500, idleMs: 500 } };

async function setup() {
  const sim = await simulator({ provisionedThroughputs: [haikuPt('us-east-1', 'streampt0001')] });
  const ha = engine(sim, {
    policy: POLICY,
    chains: {
      haiku: {
        endpoints: [
          { id: 'pt', modelId: PT },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  });
  const attemptEvents = recordAttempts(ha);
  const ask = () => ha.converseStream('haiku', { messages: userMessage(PROMPT) });
  // The answer of an undisturbed run, which every failover must reproduce exactly.
  const clean = await drain((await ask()).stream, converseText);
  sim.reset();
  attemptEvents.length = 0;
  return { sim, ha, ask, answer: clean.text, attemptEvents };
}

/** Every attempt event, so a test can check each attempt was reported exactly once. */
function recordAttempts(ha: BedrockHA) {
  const events: { endpoint: { endpointId: string }; outcome: string }[] = [];
  ha.onAttempt((event) => events.push(event));
  return events;
}

const messageStarts = (events: ConverseStreamOutput[]) => events.filter((event) => event.messageStart).length;

describe('ConverseStream fails over until the first content', () => {
  const faults: [string, FaultEffect, string, string][] = [
    [
      'a ServiceUnavailableException',
      { type: 'error', error: 'ServiceUnavailableException' },
      'unavailable',
      'ServiceUnavailableException',
    ],
    [
      'a ThrottlingException on the PT',
      { type: 'error', error: 'ThrottlingException' },
      'throttled',
      'ThrottlingException',
    ],
    [
      'an in-stream exception as the first event',
      { type: 'stream-exception', afterEvents: 0, error: 'ServiceUnavailableException' },
      'unavailable',
      'ServiceUnavailableException',
    ],
    [
      'an in-stream exception after messageStart',
      { type: 'stream-exception', afterEvents: 1, error: 'ModelStreamErrorException' },
      'stream-error',
      'ModelStreamErrorException',
    ],
    [
      'a stall before the first token',
      { type: 'stream-stall', afterEvents: 1, ms: 5_000 },
      'first-token-timeout',
      'FirstTokenTimeoutError',
    ],
    [
      'a cut after messageStart',
      { type: 'stream-cut', afterEvents: 1, mode: 'end' },
      'network',
      'IncompleteStreamError',
    ],
  ];

  it.each(faults)(
    'serves the whole answer once from us-west-2 after %s',
    async (_name, fault, reason, errorName) => {
      const timers = watchTimers();
      const { sim, ha, ask, answer, attemptEvents } = await setup();
      sim.faults.add({ match: { model: PT }, fault });

      const result = await ask();
      const { events, text, error } = await drain(result.stream, converseText);

      expect(error).toBeUndefined();
      expect(text).toBe(answer);
      expect(messageStarts(events)).toBe(1);
      expect(events.filter((event) => event.messageStop)).toHaveLength(1);
      expect(result.servedBy.endpointId).toBe('west');
      expect(
        result.attempts.map((attempt) => [
          attempt.endpoint.endpointId,
          attempt.outcome,
          attempt.reason,
          attempt.errorName,
        ]),
      ).toEqual([
        ['pt', 'failure', reason, errorName],
        ['west', 'success', undefined, undefined],
      ]);
      // Each attempt reported once, the streaming one when its stream ended.
      expect(attemptEvents.map((event) => [event.endpoint.endpointId, event.outcome])).toEqual([
        ['pt', 'failure'],
        ['west', 'success'],
      ]);
      expect(outcomesIn(sim, 'us-west-2')).toEqual({ success: 1 });

      ha.destroy();
      await sim.close();
      expect(await timers.left()).toEqual([]);
    },
  );

  it('retries the endpoint per policy before failing over when the first token is late', async () => {
    const { sim, ha } = await setup();
    sim.faults.add({
      match: { model: PT },
      when: { times: 1 },
      fault: { type: 'stream-stall', afterEvents: 1, ms: 5_000 },
    });
    // The default policy allows a second attempt on the same endpoint: the stall was once, so it serves.
    const retrying = engine(sim, {
      policy: { timeouts: { firstTokenMs: 400 }, retry: { baseDelayMs: 1, maxDelayMs: 1 } },
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', modelId: PT },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const result = await retrying.converseStream('haiku', { messages: userMessage(PROMPT) });
    await drain(result.stream, converseText);
    expect(
      result.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.reason]),
    ).toEqual([
      ['pt', 'failure', 'first-token-timeout'],
      ['pt', 'success', undefined],
    ]);
    expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1, success: 1 });
    ha.destroy();
  });
});

describe('ConverseStream after content: no silent retry (matrix #6)', () => {
  const faults: [string, FaultEffect, (cause: unknown) => void][] = [
    [
      'the connection is reset',
      { type: 'stream-cut', afterEvents: 6, mode: 'reset' },
      (cause) => expect(cause).toMatchObject({ message: 'aborted' }),
    ],
    [
      'the stream ends without messageStop',
      { type: 'stream-cut', afterEvents: 6, mode: 'end' },
      (cause) => expect(cause).toBeInstanceOf(IncompleteStreamError),
    ],
    [
      'an in-stream exception arrives',
      { type: 'stream-exception', afterEvents: 6, error: 'ModelStreamErrorException' },
      (cause) => expect(cause).toMatchObject({ name: 'ModelStreamErrorException' }),
    ],
    [
      'the stream goes idle beyond idleMs',
      { type: 'stream-stall', afterEvents: 6, ms: 5_000 },
      (cause) => expect(cause).toBeInstanceOf(StreamIdleTimeoutError),
    ],
  ];

  it.each(faults)(
    'throws StreamInterruptedError with exactly the delivered text when %s',
    async (_name, fault, checkCause) => {
      const timers = watchTimers();
      const { sim, ha, ask, answer, attemptEvents } = await setup();
      sim.faults.add({ match: { model: PT }, fault });

      const result = await ask();
      const { events, text, error } = await drain(result.stream, converseText);

      expect(error).toBeInstanceOf(StreamInterruptedError);
      const interrupted = error as StreamInterruptedError;
      // messageStart and five text deltas reached the caller before the fault.
      expect(events).toHaveLength(6);
      expect(text.length).toBeGreaterThan(0);
      expect(answer.startsWith(text)).toBe(true);
      expect(interrupted.partialText).toBe(text);
      expect(interrupted.servedBy.endpointId).toBe('pt');
      expect(interrupted.chain).toBe('haiku');
      checkCause(interrupted.cause);
      expect(interrupted.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome])).toEqual([
        ['pt', 'failure'],
      ]);
      expect(attemptEvents.map((event) => [event.endpoint.endpointId, event.outcome])).toEqual([
        ['pt', 'failure'],
      ]);
      expect(result.servedBy.endpointId).toBe('pt');
      // No silent retry: the next endpoint never heard of this request.
      expect(sim.counters({ region: 'us-west-2' })).toEqual([]);
      expect(
        sim.counters({ region: 'us-east-1' }).reduce((sum, counter) => sum + counter.requests, 0),
      ).toBeLessThanOrEqual(1);

      ha.destroy();
      await sim.close();
      expect(await timers.left()).toEqual([]);
    },
  );

  it('ends normally when the connection breaks after messageStop: the answer is whole', async () => {
    const { sim, ask, answer, attemptEvents } = await setup();
    // messageStart, 24 deltas, contentBlockStop, messageStop: only the usage metadata is lost.
    sim.faults.add({ match: { model: PT }, fault: { type: 'stream-cut', afterEvents: 27, mode: 'reset' } });

    const result = await ask();
    const { events, text, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(text).toBe(answer);
    expect(events.at(-1)?.messageStop?.stopReason).toBe('end_turn');
    // The attempt still records the broken connection.
    expect(attemptEvents.map((event) => [event.endpoint.endpointId, event.outcome])).toEqual([
      ['pt', 'failure'],
    ]);
    expect(sim.counters({ region: 'us-west-2' })).toEqual([]);
  });
});
