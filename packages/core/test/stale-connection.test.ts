import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Simulator } from '@bedrock-ha/simulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, it } from 'vitest';
import { AllEndpointsFailedError, type BreakerState, type ClientFactory } from '../src/index.js';
import { KEEP_ALIVE_IDLE_MS } from '../src/sdk/stale-connection.js';
import { CREDENTIALS, HAIKU, harness, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness();

/** Requests the simulator received, with how each ended (`success`, `reset`...). */
function outcomes(sim: Simulator): Record<string, number> {
  return sim.counters().reduce<Record<string, number>>((all, counter) => {
    for (const [outcome, count] of Object.entries(counter.outcomes))
      all[outcome] = (all[outcome] ?? 0) + count;
    return all;
  }, {});
}

/**
 * A chain whose only endpoint opens its breaker at the first failure and never retries: a stale
 * connection counted as a failure would fail the request and open the breaker.
 */
async function strictChain(clientFactory?: ClientFactory) {
  const sim = await simulator();
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
  // A first request leaves a keep-alive connection open for the next one to reuse.
  await ask();
  return { sim, ask, breaker };
}

/** A caller's own client, whose agent keeps idle connections for ever (Node's default). */
function ownClients() {
  const agent = new Agent({ keepAlive: true });
  const clientFactory: ClientFactory = ({ region, client }) =>
    new BedrockRuntimeClient({
      region,
      endpoint: client.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: agent }),
    });
  return { agent, clientFactory };
}

describe('a reused keep-alive connection closed under a request (HTTP/1.1)', () => {
  const clients = ownClients();
  afterAll(() => clients.agent.destroy());

  for (const [name, factory] of [
    ['the default client', undefined],
    ["a clientFactory's own client", clients.clientFactory],
  ] as const)
    it(`sends the request again at once, outside the breaker and the attempts, with ${name}`, async () => {
      const { sim, ask, breaker } = await strictChain(factory);
      // As when a request crosses the server's idle timeout: the connection is closed, no response.
      sim.faults.add({ fault: { type: 'reset' }, when: { times: 1 } });
      const result = await ask();

      expect(result.output?.message?.content?.[0]?.text).toBe('Tokyo');
      expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
      expect(breaker).toEqual([]);
      expect(outcomes(sim)).toEqual({ success: 2, reset: 1 });
    });

  it('sends it again only once: a second reset, on the fresh connection, is an endpoint failure', async () => {
    const { sim, ask, breaker } = await strictChain();
    sim.faults.add({ fault: { type: 'reset' } });
    const error = await ask().then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(AllEndpointsFailedError);
    const { attempts } = error as AllEndpointsFailedError;
    expect(attempts.map((attempt) => [attempt.outcome, attempt.reason])).toEqual([['failure', 'network']]);
    expect(breaker).toEqual(['open']);
    expect(outcomes(sim)).toEqual({ success: 1, reset: 2 });
  });

  it('does not send again a request reset on a new connection', async () => {
    const sim = await simulator();
    sim.faults.add({ fault: { type: 'reset' }, when: { times: 1 } });
    const ha = engine(sim, {
      policy: { retry: { maxAttempts: 1 } },
      chains: { haiku: { endpoints: [{ id: 'only', region: 'us-east-1', modelId: HAIKU }] } },
    });
    await expect(ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })).rejects.toBeInstanceOf(
      AllEndpointsFailedError,
    );
    expect(outcomes(sim)).toEqual({ reset: 1 });
  });
});

describe("the default client's keep-alive connections", () => {
  /** Whether each answered request came on a reused connection, in order. */
  function watchReuse() {
    const reused: boolean[] = [];
    const onFinish = (message: unknown) =>
      reused.push((message as { request: ClientRequest }).request.reusedSocket);
    subscribe('http.client.response.finish', onFinish);
    return { reused, stop: () => unsubscribe('http.client.response.finish', onFinish) };
  }

  it(`are closed after ${KEEP_ALIVE_IDLE_MS} ms idle, before a server with a longer idle timeout closes them`, async () => {
    const sim = await simulator({ keepAliveTimeoutMs: 60_000 });
    const ha = engine(sim, { chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } } });
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    const watch = watchReuse();
    try {
      await ask();
      await ask();
      await sleep(KEEP_ALIVE_IDLE_MS + 500);
      await ask();
    } finally {
      watch.stop();
    }
    expect(watch.reused).toEqual([false, true, false]);
  });

  it('stay open under a request whose answer takes longer than that idle time', async () => {
    const sim = await simulator({ models: { '*': { firstTokenMs: KEEP_ALIVE_IDLE_MS + 500 } } });
    const ha = engine(sim, { chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } } });
    const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(result.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
  });
});

describe('an HTTP/2 session the upstream closes when idle', () => {
  /** Holds the event loop (timers, sockets: everything) for `ms`. */
  function block(ms: number): void {
    const until = performance.now() + ms;
    while (performance.now() < until);
  }

  it('sends a stream refused by its GOAWAY again at once, outside the breaker and the attempts', async () => {
    const sim = await simulator({ keepAliveTimeoutMs: 300 });
    const ha = engine(sim, {
      client: { http2: true },
      policy: {
        retry: { maxAttempts: 1 },
        breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
      },
      chains: { haiku: { endpoints: [{ id: 'only', region: 'us-east-1', modelId: HAIKU }] } },
    });
    const breaker: BreakerState[] = [];
    ha.onBreakerStateChange((event) => breaker.push(event.state));
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    await ask();
    // The server's idle timer comes due while the loop is held; the next request opens its stream
    // before either side runs it, so the server's GOAWAY then refuses that stream.
    // From a setImmediate callback: inside a timer callback, Node would judge the due timers by the
    // time read before the hold, and run the server's only after the request had reached it.
    await new Promise((resolve) => setImmediate(resolve));
    block(500);
    const result = await ask();

    expect(result.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['success']);
    expect(breaker).toEqual([]);
    expect(outcomes(sim)).toEqual({ success: 2 });
  });
});
