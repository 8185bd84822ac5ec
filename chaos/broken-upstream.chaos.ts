import type { BedrockHA } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import {
  converseText,
  drain,
  HAIKU,
  harness,
  load,
  median,
  ms,
  outcomesIn,
  report,
  STORY_PROMPT,
  TOKYO_PROMPT,
  userMessage,
  values,
} from './harness.js';

// Connection resets and hangs, and malformed bodies, on the primary: each is classified, the
// attempt ends (by its timeout for a hang) and the request fails over to a healthy fallback.
const { simulator, engine } = harness();
const REQUESTS = 40;
// Long enough that a busy shared machine's own delays never pass for a fault (a reset must be seen
// as a reset, not as a slow first token), short enough to keep the hang cases quick.
const ATTEMPT_MS = 1_000;
const FIRST_TOKEN_MS = 1_000;

type Fault = Parameters<Awaited<ReturnType<typeof simulator>>['faults']['add']>[0]['fault'];

const CASES: { name: string; fault: Fault; reason: string; errorName?: string; stream?: boolean }[] = [
  { name: 'connection reset', fault: { type: 'reset' }, reason: 'network' },
  { name: 'hang', fault: { type: 'hang' }, reason: 'timeout', errorName: 'AttemptTimeoutError' },
  {
    name: 'truncated JSON body',
    fault: { type: 'malformed', variant: 'truncated-json' },
    reason: 'server-error',
  },
  { name: "a proxy's HTML 502 page", fault: { type: 'malformed', variant: 'html' }, reason: 'server-error' },
  { name: 'stream reset before content', fault: { type: 'reset' }, reason: 'network', stream: true },
  {
    name: 'stream stalled before its first token',
    fault: { type: 'stream-stall', afterEvents: 1, ms: 5_000 },
    reason: 'first-token-timeout',
    stream: true,
  },
  {
    name: 'stream frame with a bad checksum',
    fault: { type: 'malformed', variant: 'bad-crc' },
    // The SDK throws a plain Error for a checksum mismatch; the core sorts it as an unknown
    // endpoint error: failed over at once, never retried on the same endpoint.
    reason: 'unknown',
    stream: true,
  },
];

/** One request's answer text and attempts, streaming or not. */
async function ask(ha: BedrockHA, stream: boolean) {
  if (!stream) {
    const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    return {
      text: result.output?.message?.content?.[0]?.text ?? '',
      attempts: result.attempts,
      served: result.servedBy,
    };
  }
  const result = await ha.converseStream('haiku', { messages: userMessage(STORY_PROMPT) });
  const { text, error } = await drain(result.stream, converseText);
  if (error) throw error;
  return { text, attempts: result.attempts, served: result.servedBy };
}

describe('connection resets, hangs and malformed upstream bodies', () => {
  for (const { name, fault, reason, errorName, stream = false } of CASES) {
    it(`${name}: classified as ${reason}, failed over to the fallback`, async () => {
      const sim = await simulator();
      const ha = engine(sim, {
        // No retry and no breaker, so every request meets the fault once.
        policy: {
          retry: { maxAttempts: 1 },
          breaker: { mode: 'off' },
          timeouts: { attemptMs: ATTEMPT_MS, firstTokenMs: FIRST_TOKEN_MS, idleMs: 2_000 },
        },
        chains: {
          haiku: {
            endpoints: [
              { id: 'primary', region: 'us-east-1', modelId: HAIKU },
              { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      });
      const clean = await ask(ha, stream);
      sim.faults.add({
        match: { region: 'us-east-1', operation: stream ? 'ConverseStream' : 'Converse' },
        fault,
      });

      const results = values(await load(REQUESTS, 8, () => ask(ha, stream)));

      for (const result of results) {
        expect(result.served.endpointId).toBe('fallback');
        expect(result.text).toBe(clean.text);
        const [primary, fallback] = result.attempts;
        expect(primary?.outcome).toBe('failure');
        expect(primary?.reason).toBe(reason);
        if (errorName) expect(primary?.errorName).toBe(errorName);
        expect(fallback?.outcome).toBe('success');
      }
      // Each request met the fault on the primary exactly once, but for one reset: the first
      // request to reuse the connection the clean one left open is sent again at once on a fresh
      // one (a reused connection reset before any response is taken for a stale keep-alive).
      const outcomes = outcomesIn(sim, 'us-east-1');
      const resent = fault.type === 'reset' ? 1 : 0;
      expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(REQUESTS + 1 + resent);
      const failedMs = results.map((result) => result.attempts[0]!.durationMs);
      if (reason === 'timeout' || reason === 'first-token-timeout') {
        expect(Math.min(...failedMs)).toBeGreaterThanOrEqual(ATTEMPT_MS - 1);
        expect(median(failedMs)).toBeLessThan(ATTEMPT_MS + 100);
      }
      report(name, {
        requests: REQUESTS,
        failed: 0,
        reason,
        primaryAttemptMedianMs: ms(median(failedMs)),
        outcomes,
      });
    });
  }
});
