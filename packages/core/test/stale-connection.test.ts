import { Agent } from 'node:http';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import type { BreakerState, ClientFactory } from '../src/index.js';
import { CREDENTIALS, HAIKU, harness, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness();
const KEEP_ALIVE_MS = 200;

/** Holds the event loop (timers, sockets: everything) for `ms`. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * A chain whose only endpoint opens its breaker at the first failure and never retries: a stale
 * connection counted as a failure would fail the request and open the breaker.
 */
async function strictChain(clientFactory?: ClientFactory) {
  const sim = await simulator({ keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const ha = engine(
    sim,
    {
      policy: {
        retry: { maxAttempts: 1 },
        breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
      },
      chains: { haiku: { endpoints: [{ id: 'only', region: 'us-east-1', modelId: HAIKU }] } },
    },
    clientFactory ? { clientFactory } : {},
  );
  const breaker: BreakerState[] = [];
  ha.onBreakerStateChange((event) => breaker.push(event.state));
  const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
  return { sim, ha, ask, breaker };
}

describe('keep-alive connections the upstream has closed', () => {
  it('sends a request again, once and at once, when its reused connection was closed under it', async () => {
    // A caller's own client whose agent keeps idle connections for ever, as Node's does by default.
    const agent = new Agent({ keepAlive: true });
    const clientFactory: ClientFactory = ({ region, client }) =>
      new BedrockRuntimeClient({
        region,
        endpoint: client.endpoint,
        credentials: CREDENTIALS,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpAgent: agent }),
      });
    const { sim, ask, breaker } = await strictChain(clientFactory);
    try {
      await ask();
      // The server's keep-alive timer comes due while the loop is held, but runs only after the
      // next request has been written on the idle connection: the server then closes it, unread,
      // under that request, as a busy server does when a request and its idle timeout cross.
      block(KEEP_ALIVE_MS + 100);
      const result = await ask();

      expect(result.output?.message?.content?.[0]?.text).toBe('Tokyo');
      // Not a failure, not a retry: one attempt, and the breaker never opened.
      expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
      expect(breaker).toEqual([]);
      // The server answered two requests: the first try of the second never reached its handler.
      expect(sim.counters().reduce((sum, counter) => sum + counter.requests, 0)).toBe(2);
    } finally {
      agent.destroy();
    }
  });
});
