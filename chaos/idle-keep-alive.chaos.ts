import { setTimeout as sleep } from 'node:timers/promises';
import type { Attempt } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { HAIKU, harness, report, TOKYO_PROMPT, userMessage } from './harness.js';

// Issue 13 item 2: an upstream that closes idle keep-alive connections after 5 s (Node's server
// default). Requests sent on a connection the server is closing at that moment failed with
// ECONNRESET and opened the breaker of a healthy endpoint.
const { simulator, engine } = harness();
const KEEP_ALIVE_MS = 5_000;
const CONCURRENCY = 250;

/** Every request's outcome and attempts, over closed-loop bursts separated by idle gaps. */
async function burstsWithIdleGaps(http2: boolean) {
  const sim = await simulator({ keepAliveTimeoutMs: KEEP_ALIVE_MS });
  // Defaults: retry, breaker (5 failures in a row, open 5 s) and retry budget as shipped.
  const ha = engine(sim, {
    client: { http2 },
    chains: { haiku: { endpoints: [{ id: 'only', region: 'us-east-1', modelId: HAIKU }] } },
  });
  let openings = 0;
  ha.onBreakerStateChange((event) => {
    if (event.state === 'open') openings++;
  });
  const outcomes = { served: 0, failed: 0, retried: 0 };
  const errors: Record<string, number> = {};
  // 250 loops each sending `perLoop` requests one after another: connections are freed at
  // spread-out moments, so after a gap some reach the server's keep-alive timeout as they are reused.
  const burst = async (perLoop: number) => {
    const loop = async () => {
      for (let sent = 0; sent < perLoop; sent++) {
        try {
          const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
          expect(result.output?.message?.content?.[0]?.text).toBe('Tokyo');
          outcomes.served++;
          outcomes.retried += result.attempts.length - 1;
        } catch (error) {
          outcomes.failed++;
          const attempt = (error as { attempts?: readonly Attempt[] }).attempts?.at(-1);
          const key = attempt
            ? `${attempt.reason}: ${attempt.errorName} ${attempt.errorMessage ?? ''}`
            : String(error);
          errors[key] = (errors[key] ?? 0) + 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  };
  await burst(4);
  for (const gapMs of [3_000, 5_000, 8_000]) {
    await sleep(gapMs);
    await burst(2);
  }
  return { openings, ...outcomes, errors };
}

describe('idle keep-alive connections closed by the upstream', () => {
  for (const http2 of [false, true])
    it(`no request fails and no breaker opens across idle gaps of 3, 5 and 8 s (${http2 ? 'HTTP/2' : 'HTTP/1.1'})`, async () => {
      const figures = await burstsWithIdleGaps(http2);
      report(`idle keep-alive ${http2 ? 'HTTP/2' : 'HTTP/1.1'}`, figures);
      expect(figures.errors).toEqual({});
      expect(figures.served).toBe(CONCURRENCY * 10);
      expect(figures.openings).toBe(0);
    });
});
