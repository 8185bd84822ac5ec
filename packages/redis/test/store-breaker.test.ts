import type { StateBreakerConfig, StateStoreFallbackEvent } from '@bedrock-ha/core';
import { eventually, startRedisServer, testResources } from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { instance } from './fleet.js';

const resources = testResources();

/**
 * One engine on a real Redis with `state.breaker` set. Both call bounds are 2 s, so that only what
 * the tests inject (a killed server, whose calls reject at once) counts as the store's failure.
 */
async function engineOnRedis(breaker: StateBreakerConfig) {
  const redis = await startRedisServer();
  resources.defer(() => redis.stop());
  const sim = await resources.simulator();
  const store = new RedisStateStore({ url: redis.url, commandTimeoutMs: 2_000 });
  resources.defer(() => store.close());
  await store.ready();
  const member = instance(sim, store, { store: 'redis', url: redis.url, timeoutMs: 2_000, breaker });
  resources.defer(() => member.ha.destroy());
  const fallbacks: StateStoreFallbackEvent[] = [];
  const storeStates: string[] = [];
  /** How many fallbacks there had been when the store's breaker last opened. */
  let fallbacksAtOpen = -1;
  member.ha.onStateStoreFallback((event) => fallbacks.push(event));
  member.ha.onStateStoreStateChange(({ state }) => {
    storeStates.push(state);
    if (state === 'open') fallbacksAtOpen = fallbacks.length;
  });
  /** Sends `count` requests one after the other: how many failed. */
  const ask = async (count: number) => {
    let failed = 0;
    for (let request = 0; request < count; request++) await member.ask().catch(() => failed++);
    return failed;
  };
  /** Keys in Redis: the engine writes its retry budget and usage there on every request. */
  const keys = async () => Number(await redis.cli('DBSIZE'));
  // On Redis before the trouble starts: requests leave their state there.
  expect(await ask(2)).toBe(0);
  await eventually(async () => (await keys()) > 0, 10_000, 'state written to Redis');
  return { redis, ask, keys, fallbacks, storeStates, openedAfter: () => fallbacksAtOpen };
}

describe('state.breaker: the breaker on the store itself', () => {
  it.each([2, 7])('opens after state.breaker.failures (%i) failed store calls in a row', async (failures) => {
    const engine = await engineOnRedis({ failures, halfOpenAfterMs: 60_000 });
    const before = engine.fallbacks.length;
    await engine.redis.kill();
    let failed = 0;
    for (let round = 0; round < 40 && !engine.storeStates.includes('open'); round++)
      failed += await engine.ask(1);
    expect(failed).toBe(0);
    expect(engine.storeStates).toEqual(['open']);
    expect(engine.openedAfter() - before).toBe(failures);
    // Open for a minute: local state answers alone, without even trying Redis.
    expect(await engine.ask(5)).toBe(0);
    expect(engine.fallbacks.length - before).toBe(failures);
  });

  it('leaves a restarted Redis alone until state.breaker.halfOpenAfterMs has passed', async () => {
    const engine = await engineOnRedis({ failures: 1, halfOpenAfterMs: 60_000 });
    await engine.redis.kill();
    expect(await engine.ask(3)).toBe(0);
    expect(engine.storeStates).toEqual(['open']);
    await engine.redis.restart();
    // Redis is back (and empty), but the store's breaker holds for a minute: nothing reaches it.
    expect(await engine.ask(5)).toBe(0);
    expect(await engine.keys()).toBe(0);
    expect(engine.storeStates).toEqual(['open']);
  });

  it('goes back to a restarted Redis once a short state.breaker.halfOpenAfterMs has passed', async () => {
    const engine = await engineOnRedis({ failures: 1, halfOpenAfterMs: 200 });
    await engine.redis.kill();
    expect(await engine.ask(3)).toBe(0);
    expect(engine.storeStates[0]).toBe('open');
    await engine.redis.restart();
    await eventually(
      async () => {
        expect(await engine.ask(1)).toBe(0);
        return engine.storeStates.at(-1) === 'closed' && (await engine.keys()) > 0;
      },
      15_000,
      'the engine back on Redis',
    );
  });
});
