import { type BedrockHA, StreamInterruptedError } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  converseText,
  drain,
  HAIKU,
  harness,
  load,
  report,
  requestCount,
  STORY_PROMPT,
  userMessage,
  values,
} from './harness.js';

// Reliability matrix #6: a stream cut after content reached the caller.
const { simulator, engine } = harness();
const REQUESTS = 40;
const CUT_AFTER_EVENTS = 5;

async function setup(resume: boolean) {
  const sim = await simulator();
  const ha = engine(sim, {
    policy: { retry: { maxAttempts: 1 }, breaker: { mode: 'off' } },
    chains: {
      haiku: {
        resume,
        endpoints: [
          { id: 'primary', region: 'us-east-1', modelId: HAIKU },
          { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  });
  const clean = await streamOnce(ha);
  sim.reset();
  return { sim, ha, answer: clean.text };
}

/** One ConverseStream, read to its end or error: the text the caller saw and how it ended. */
async function streamOnce(ha: BedrockHA) {
  const result = await ha.converseStream('haiku', { messages: userMessage(STORY_PROMPT) });
  const { text, error } = await drain(result.stream, converseText);
  return { text, error, servedBy: result.servedBy.endpointId };
}

describe('mid-stream cut', () => {
  for (const mode of ['reset', 'end'] as const) {
    it(`raises StreamInterruptedError with exactly the delivered text, never retried silently (${mode})`, async () => {
      const { sim, ha, answer } = await setup(false);
      sim.faults.add({
        match: { region: 'us-east-1', operation: 'ConverseStream' },
        fault: { type: 'stream-cut', afterEvents: CUT_AFTER_EVENTS, mode },
      });

      const results = values(await load(REQUESTS, 8, () => streamOnce(ha)));

      for (const { text, error } of results) {
        expect(error).toBeInstanceOf(StreamInterruptedError);
        const interrupted = error as StreamInterruptedError;
        expect(interrupted.partialText).toBe(text);
        expect(interrupted.servedBy.endpointId).toBe('primary');
        // A strict prefix of the answer: no text repeated, none made up.
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThan(answer.length);
        expect(answer.startsWith(text)).toBe(true);
      }
      // Text had reached the caller, so nothing was retried elsewhere behind its back.
      expect(requestCount(sim, { region: 'us-west-2' })).toBe(0);
      report(`mid-stream cut (${mode}), no resume`, {
        requests: REQUESTS,
        interrupted: results.length,
        partialChars: results[0]!.text.length,
        answerChars: answer.length,
        fallbackCalls: 0,
      });
    });
  }

  it('continues on the fallback with resume, the text exactly once', async () => {
    const { sim, ha, answer } = await setup(true);
    sim.faults.add({
      match: { region: 'us-east-1', operation: 'ConverseStream' },
      fault: { type: 'stream-cut', afterEvents: CUT_AFTER_EVENTS, mode: 'reset' },
    });

    const results = values(await load(REQUESTS, 8, () => streamOnce(ha)));

    for (const { text, error, servedBy } of results) {
      expect(error).toBeUndefined();
      expect(text).toBe(answer);
      expect(servedBy).toBe('fallback');
    }
    expect(requestCount(sim, { region: 'us-west-2' })).toBe(REQUESTS);
    report('mid-stream cut, resume', { requests: REQUESTS, completeAnswers: results.length, duplicated: 0 });
  });
});
