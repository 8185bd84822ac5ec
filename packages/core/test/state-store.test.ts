import { setTimeout as sleep } from 'node:timers/promises';
import type { Simulator } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import {
  type BedrockHAOptions,
  type BreakerConfig,
  MemoryStateStore,
  type StateStore,
  type StoreFallbackEvent,
  withLocalFallback,
} from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  requestCount,
  settleAll,
  TOKYO_PROMPT,
  UNLIMITED,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const BREAKER: BreakerConfig = {
  mode: 'consecutive',
  failures: 3,
  halfOpenAfterMs: 300,
  maxHalfOpenAfterMs: 2_000,
};
const OUTAGE = {
  match: { region: 'us-east-1' },
  fault: { type: 'error', error: 'ServiceUnavailableException' },
} as const;
const SERVED_BY_FALLBACK = [
  ['primary', 'skipped', 'circuit-open'],
  ['fallback', 'success', undefined],
];

/** A primary in us-east-1 and a fallback in us-west-2, one attempt each, over `options.stateStore`. */
function primaryAndFallback(sim: Simulator, options: BedrockHAOptions, policy: object = {}) {
  const ha = engine(
    sim,
    {
      chains: {
        haiku: {
          endpoints: [
            { id: 'primary', region: 'us-east-1', modelId: HAIKU },
            { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
          ],
          policy: { retry: { maxAttempts: 1 }, breaker: BREAKER, ...policy },
        },
      },
    },
    options,
  );
  const events = recordEvents(ha);
  const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
  const primary = () => ha.health().find((endpoint) => endpoint.endpointId === 'primary')!;
  const states = () =>
    events.breaker.filter((event) => event.endpoint.endpointId === 'primary').map((event) => event.state);
  return { ha, events, ask, primary, states };
}

/**
 * A stand-in for a networked store (the external dependency): a real in-memory store whose every
 * call throws, or answers through a promise after `delayMs`, as an unreachable or slow Redis would.
 */
function troubledStore(trouble: 'throw' | 'slow', delayMs = 50): StateStore {
  const inner = new MemoryStateStore();
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (trouble === 'throw') throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        const answer = value.apply(target, args);
        return new Promise((resolve) => setTimeout(() => resolve(answer), delayMs));
      };
    },
  });
}

/** The breaker story of breaker.test.ts: opens on an outage, keeps calls away, one probe closes it. */
async function breakerStory(sim: Simulator, options: BedrockHAOptions) {
  const outage = sim.faults.add(OUTAGE);
  const { ask, primary, states } = primaryAndFallback(sim, options);
  for (let request = 1; request <= 3; request++)
    expect(attemptRows((await ask()).attempts)).toEqual([
      ['primary', 'failure', 'unavailable'],
      ['fallback', 'success', undefined],
    ]);
  expect(primary().breaker).toBe('open');
  sim.faults.remove(outage);
  expect(attemptRows((await ask()).attempts)).toEqual(SERVED_BY_FALLBACK);
  expect(requestCount(sim, { region: 'us-east-1' })).toBe(3);

  await sleep(350);
  const probes = await settleAll(Array.from({ length: 4 }, () => ask()));
  const rows = probes.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return attemptRows(result.value.attempts);
  });
  expect(rows.filter((row) => row[0]![1] === 'success')).toHaveLength(1);
  expect(requestCount(sim, { region: 'us-east-1' })).toBe(4);
  expect(states()).toEqual(['open', 'half-open', 'closed']);
  expect((await ask()).servedBy.endpointId).toBe('primary');
}

describe('state store', () => {
  it('keeps the breaker behaviour with the default store', async () => {
    await breakerStory(await simulator(), {});
  });

  it('keeps the breaker behaviour with an injected store, and publishes the breaker to it', async () => {
    const store = new MemoryStateStore();
    const sim = await simulator();
    sim.faults.add(OUTAGE);
    const { ask } = primaryAndFallback(sim, { stateStore: store });
    for (let request = 1; request <= 3; request++) await ask();
    expect(store.readBreaker('primary:breaker')).toMatchObject({ state: 'open', coolDownMs: 300 });
    await breakerStory(await simulator(), { stateStore: new MemoryStateStore() });
  });

  it('turns calls away on an engine whose store says another engine opened the breaker, and probes once for both', async () => {
    const store = new MemoryStateStore();
    const sim = await simulator();
    const outage = sim.faults.add(OUTAGE);
    const first = primaryAndFallback(sim, { stateStore: store });
    const second = primaryAndFallback(sim, { stateStore: store });
    for (let request = 1; request <= 3; request++) await first.ask();
    sim.faults.remove(outage);

    // The second engine never saw a failure, yet sends the primary nothing while it cools down.
    for (let request = 1; request <= 3; request++)
      expect(attemptRows((await second.ask()).attempts)).toEqual(SERVED_BY_FALLBACK);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(3);

    await sleep(350);
    const both = await settleAll([first.ask(), second.ask(), first.ask(), second.ask()]);
    const served = both.map((result) =>
      result.status === 'fulfilled' ? result.value.servedBy.endpointId : 'x',
    );
    expect(served.filter((id) => id === 'primary')).toHaveLength(1);
    expect(served.filter((id) => id === 'fallback')).toHaveLength(3);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(4);
    expect(store.readBreaker('primary:breaker')).toMatchObject({ state: 'closed' });
    expect((await second.ask()).servedBy.endpointId).toBe('primary');
    expect((await first.ask()).servedBy.endpointId).toBe('primary');
  });

  it('shares one retry budget per endpoint between engines on one store', async () => {
    const store = new MemoryStateStore();
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const budget = { capacity: 20, throttlingRetryCost: 5, retryCost: 10, successRefill: 1 };
    const build = () => {
      const ha = engine(
        sim,
        {
          retryBudget: budget,
          chains: {
            haiku: {
              endpoints: [
                { id: 'primary', region: 'us-east-1', modelId: HAIKU },
                { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
              ],
              policy: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, breaker: { mode: 'off' } },
            },
          },
        },
        { stateStore: store },
      );
      return { ha, events: recordEvents(ha) };
    };
    const first = build();
    const second = build();
    // 20 tokens / 5 per throttling retry: the first engine's two requests spend them all.
    for (let request = 0; request < 2; request++)
      await first.ha.converse('haiku', { messages: userMessage('hi') });
    expect(first.events.retries).toHaveLength(4);
    await second.ha.converse('haiku', { messages: userMessage('hi') });
    expect(second.events.retries).toHaveLength(0);
    expect(second.events.budgetExhausted).toHaveLength(1);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(2 * 3 + 1);
  });

  it('counts each endpoint’s requests and tokens per minute, summed over the engines on one store', async () => {
    const store = new MemoryStateStore();
    const sim = await simulator();
    const first = primaryAndFallback(sim, { stateStore: store });
    const second = primaryAndFallback(sim, { stateStore: store });
    const one = await first.ask();
    const two = await second.ask();
    const tokens = (one.usage?.totalTokens ?? 0) + (two.usage?.totalTokens ?? 0);
    expect(tokens).toBeGreaterThan(0);
    expect(second.primary().usage).toEqual({
      windowMs: 60_000,
      requests: 2,
      tokens,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('keeps working on local state when the store throws, and reports the fallbacks', async () => {
    const fallbacks: StoreFallbackEvent[] = [];
    const stateStore = withLocalFallback(troubledStore('throw'), {
      onFallback: (event) => fallbacks.push(event),
    });
    await breakerStory(await simulator(), { stateStore });
    expect(fallbacks.length).toBeGreaterThan(0);
    expect(fallbacks[0]).toMatchObject({ reason: 'error' });
  });

  it('wraps an injected store with the local fallback itself', async () => {
    await breakerStory(await simulator(), { stateStore: troubledStore('throw') });
  });

  it('keeps working on local state when the store is slower than its bound', async () => {
    const fallbacks: StoreFallbackEvent[] = [];
    const stateStore = withLocalFallback(troubledStore('slow', 40), {
      timeoutMs: 5,
      failureThreshold: 1_000,
      onFallback: (event) => fallbacks.push(event),
    });
    await breakerStory(await simulator(), { stateStore });
    expect(fallbacks.some((event) => event.reason === 'timeout')).toBe(true);
    // Let the slow store's late answers land, so no timer outlives the test.
    await sleep(60);
  });
});
