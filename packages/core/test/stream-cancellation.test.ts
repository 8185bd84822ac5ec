import { describe, expect, it, vi } from 'vitest';
import { AllEndpointsFailedError, DeadlineExceededError } from '../src/index.js';
import { converseText, drain, HAIKU, harness, outcomesIn, userMessage, watchTimers } from './harness.js';

const { simulator, engine } = harness();
const PROMPT = 'Explain failover in a few sentences.';

/** One endpoint in us-east-1 whose answers take 40 ms a token (by default): long enough to cancel mid-way. */
async function slowStreams(
  options: {
    bulkhead?: { maxConcurrent: number; maxQueued: number };
    deadlineMs?: number;
    tokensPerSecond?: number;
  } = {},
) {
  const sim = await simulator({ models: { '*': { tokensPerSecond: options.tokensPerSecond ?? 25 } } });
  const ha = engine(sim, {
    policy: { retry: { maxAttempts: 1 }, ...(options.bulkhead && { bulkhead: options.bulkhead }) },
    chains: {
      haiku: {
        endpoints: [{ id: 'east', region: 'us-east-1', modelId: HAIKU }],
        deadlineMs: options.deadlineMs,
      },
    },
  });
  return { sim, ha };
}

describe('a caller cancels a stream (matrix #11)', () => {
  it('throws the abort reason without waiting for the next token, and aborts the upstream call', async () => {
    const timers = watchTimers();
    // Half a second between tokens: an abort that waited for the next token would show in both
    // the count and the latency, with room for a loaded machine's late timers.
    const { sim, ha } = await slowStreams({ tokensPerSecond: 2 });
    const controller = new AbortController();
    const reason = new Error('the caller went away');
    const result = await ha.converseStream(
      'haiku',
      { messages: userMessage(PROMPT) },
      { signal: controller.signal },
    );

    let received = 0;
    let abortedAt = 0;
    let caught: unknown;
    let latencyMs = Number.NaN;
    try {
      for await (const event of result.stream) {
        received += converseText(event) ? 1 : 0;
        // Abort while the loop waits for the next token, 500 ms away.
        if (received === 2)
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort(reason);
          }, 10);
      }
    } catch (error) {
      caught = error;
      latencyMs = performance.now() - abortedAt;
    }

    expect(caught).toBe(reason);
    expect(received).toBe(2);
    expect(latencyMs).toBeLessThan(400);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1 }));
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['failure']);

    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });

  it('throws the abort reason before any event when the signal aborted before the loop started', async () => {
    const { sim, ha } = await slowStreams();
    const controller = new AbortController();
    const result = await ha.converseStream(
      'haiku',
      { messages: userMessage(PROMPT) },
      { signal: controller.signal },
    );
    controller.abort(new Error('gone before reading'));

    const { events, error } = await drain(result.stream, converseText);

    expect(error).toMatchObject({ message: 'gone before reading' });
    expect(events).toEqual([]);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1 }));
  });

  it('rejects with the abort reason when the caller aborts before the first content', async () => {
    const sim = await simulator({ models: { '*': { firstTokenMs: 2_000 } } });
    const ha = engine(sim, { chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } } });
    const controller = new AbortController();
    const reason = new Error('not waiting');
    let abortedAt = Number.NaN;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort(reason);
    }, 100);
    const opening = ha.converseStream(
      'haiku',
      { messages: userMessage(PROMPT) },
      { signal: controller.signal },
    );

    await expect(opening).rejects.toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1 }));
  });

  it('breaking out of the loop aborts the upstream call and frees the bulkhead slot at once', async () => {
    const timers = watchTimers();
    const { sim, ha } = await slowStreams({ bulkhead: { maxConcurrent: 1, maxQueued: 0 } });
    const ask = () => ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    const reported: string[] = [];
    ha.onAttempt((attempt) => reported.push(`${attempt.endpoint.endpointId} ${attempt.outcome}`));

    const first = await ask();
    let received = 0;
    for await (const event of first.stream) {
      if (converseText(event)) received++;
      if (received === 2) {
        // The slot is taken while the stream is read: a second stream is turned away.
        await expect(ask()).rejects.toBeInstanceOf(AllEndpointsFailedError);
        break;
      }
    }
    // The caller stopped reading: the attempt is reported once, as served, when the loop is left.
    expect(reported).toEqual(['east skipped', 'east success']);
    expect(first.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
    const second = await ask();
    const { text, error } = await drain(second.stream, converseText);

    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1, success: 1 }));
    expect(ha.health()[0]).toMatchObject({ active: 0, queued: 0 });

    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });
});

describe('a deadline bounds a stream until its first content only', () => {
  it('lets a stream that committed in time run past the deadline to its end', async () => {
    const timers = watchTimers();
    // 24 tokens at 25 a second: about a second of streaming against a 300 ms deadline.
    const { sim, ha } = await slowStreams({ deadlineMs: 300 });
    const started = performance.now();
    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    const { events, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(events.some((event) => event.messageStop)).toBe(true);
    expect(performance.now() - started).toBeGreaterThan(600);
    expect(outcomesIn(sim, 'us-east-1')).toEqual({ success: 1 });

    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });

  it('fails with DeadlineExceededError by the deadline when no endpoint sends content in time', async () => {
    const timers = watchTimers();
    const sim = await simulator({ models: { '*': { firstTokenMs: 5_000 } } });
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
          deadlineMs: 10_000,
        },
      },
    });
    const started = performance.now();
    const opening = ha.converseStream('haiku', { messages: userMessage(PROMPT) }, { deadlineMs: 250 });

    await expect(opening).rejects.toBeInstanceOf(DeadlineExceededError);
    // Far below the 5 s first token, with room for a loaded machine's scheduling.
    expect(performance.now() - started).toBeLessThan(2_500);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1 }));

    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });
});
