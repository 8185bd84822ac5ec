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
  const outcomes = { served: 0, failed: 0, failures: [] as string[] };
  const attempts: Attempt[] = [];
  // 250 loops each sending requests one after another for `ms`: connections are freed at spread-out
  // moments, so after a gap some reach the server's keep-alive timeout exactly as they are reused.
  const burst = async (ms: number) => {
    const until = performance.now() + ms;
    const loop = async () => {
      while (performance.now() < until) {
        try {
          const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
          attempts.push(...result.attempts);
          expect(result.output?.message?.content?.[0]?.text).toBe('Tokyo');
          outcomes.served++;
        } catch (error) {
          outcomes.failed++;
          if (outcomes.failures.length < 5) outcomes.failures.push(String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  };
  await burst(3_000);
  for (const gapMs of [3_000, 5_000, 8_000]) {
    await sleep(gapMs);
    await burst(1_500);
  }
  const failedAttempts = attempts.filter((attempt) => attempt.outcome !== 'success').length;
  return { openings, ...outcomes, failedAttempts };
}

describe('idle keep-alive connections closed by the upstream', () => {
  for (const http2 of [false, true])
    it(`no request fails and no breaker opens across idle gaps of 3, 5 and 8 s (${http2 ? 'HTTP/2' : 'HTTP/1.1'})`, async () => {
      const figures = await burstsWithIdleGaps(http2);
      report(`idle keep-alive ${http2 ? 'HTTP/2' : 'HTTP/1.1'}`, figures);
      expect(figures.served).toBeGreaterThan(CONCURRENCY * 4);
      expect(figures.failures).toEqual([]);
      expect(figures.failed).toBe(0);
      expect(figures.openings).toBe(0);
    });
});
