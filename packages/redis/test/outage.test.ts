import { setTimeout as sleep } from 'node:timers/promises';
import type { StateStoreFallbackEvent } from '@bedrock-ha/core';
import { eventually, type RedisServer, startRedisServer, testResources } from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { type Instance, instance, LONG_BREAKER, PT_OUTAGE, sentTo } from './fleet.js';

const resources = testResources();

/**
 * Two engines on one real Redis, each on its own connection as two processes would be, with the
 * engine's own local fallback. Both bounds (the store's command timeout, the engine's) are 1 s:
 * what these tests inject (a kill, a 2 s stall) is far beyond them, and a loaded test machine
 * must not turn a shared decision into a local one. The breaker stays open for a minute, so that
 * whether another engine skips the PT does not depend on how soon it asks.
 */
async function fleetOnRedis() {
  const redis: RedisServer = await startRedisServer();
  resources.defer(() => redis.stop());
  const sim = await resources.simulator();
  const fallbacks: StateStoreFallbackEvent[] = [];
  const storeStates: string[] = [];
  const members: Instance[] = [];
  const stores: RedisStateStore[] = [];
  for (let index = 0; index < 2; index++) {
    const store = new RedisStateStore({ url: redis.url, keyPrefix: 'outage:', commandTimeoutMs: 1_000 });
    resources.defer(() => store.close());
    await store.ready();
    const member = instance(sim, store, { store: 'redis', url: redis.url, timeoutMs: 1_000 }, LONG_BREAKER);
    resources.defer(() => member.ha.destroy());
    member.ha.onStateStoreFallback((event) => fallbacks.push(event));
    member.ha.onStateStoreStateChange(({ state }) => storeStates.push(state));
    members.push(member);
    stores.push(store);
  }
  return { redis, sim, members, stores, fallbacks, storeStates };
}

/** `count` requests spread over the fleet, `parallel` at a time: how many failed. */
async function traffic(members: readonly Instance[], count: number, parallel = 4): Promise<number> {
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const member = members[next++ % members.length]!;
      await member.ask().catch(() => failed++);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return failed;
}

/** Waits (sending requests) until every engine whose store breaker opened has closed it again. */
async function backOnRedis({ members, storeStates }: Awaited<ReturnType<typeof fleetOnRedis>>) {
  const count = (state: string) => storeStates.filter((each) => each === state).length;
  await eventually(
    async () => {
      await traffic(members, 4);
      return count('closed') >= count('open');
    },
    15_000,
    'every engine back on Redis',
  );
}

/** Engine A opens the PT's breaker; engine B then skips the PT without sending (shared state works). */
async function expectShared(fleet: Awaited<ReturnType<typeof fleetOnRedis>>): Promise<void> {
  const { sim, members, stores } = fleet;
  const [a, b] = members as [Instance, Instance];
  const outage = sim.faults.add(PT_OUTAGE);
  for (let request = 0; request < 3; request++) await a.ask();
  await eventually(async () => (await stores[1]!.readBreaker('pt:breaker'))?.state === 'open');
  sim.faults.remove(outage);
  const before = sentTo(sim, 'us-east-1');
  expect(b.rows(await b.ask())).toEqual([
    ['pt', 'skipped'],
    ['fallback', 'success'],
  ]);
  expect(sentTo(sim, 'us-east-1')).toBe(before);
}

describe('Redis trouble never fails a request', () => {
  it('keeps serving when Redis is killed mid-run and restarted, then the fleet shares state again', async () => {
    const fleet = await fleetOnRedis();
    const { redis, members, fallbacks, storeStates } = fleet;
    const running = traffic(members, 60);
    await sleep(100);
    await redis.kill();
    expect(await running).toBe(0);
    expect(await traffic(members, 20)).toBe(0);
    expect(fallbacks.some((event) => event.reason === 'error')).toBe(true);
    expect(storeStates).toContain('open');

    // Back, empty and without its scripts: the engines return to it after their store cool-down.
    await redis.restart();
    await backOnRedis(fleet);
    await expectShared(fleet);
  }, 40_000);

  it('answers from local state while Redis stalls (DEBUG SLEEP), without failing a request', async () => {
    const fleet = await fleetOnRedis();
    const { redis, members, fallbacks } = fleet;
    let stalled = false;
    const stall = redis.cli('DEBUG', 'SLEEP', '2').then(() => (stalled = true));
    // Requests keep coming until the stall is over, so that some meet it whenever it starts.
    let failed = 0;
    while (!stalled) failed += await traffic(members, 4);
    await stall;
    expect(failed).toBe(0);
    // Either bound may fire first: the store's command timeout or the engine's (both 1 s).
    const timedOut = (event: StateStoreFallbackEvent) =>
      event.reason === 'timeout' || /timed out|timeout/i.test(event.message ?? '');
    expect(fallbacks.filter(timedOut), JSON.stringify(fallbacks.slice(0, 3))).not.toEqual([]);
    await backOnRedis(fleet);
    await expectShared(fleet);
  });

  it('writes a breaker opened while Redis was away to Redis once it is back, so the fleet skips the PT', async () => {
    const fleet = await fleetOnRedis();
    const { redis, sim, members, stores } = fleet;
    const [a, b] = members as [Instance, Instance];
    await redis.kill();
    const outage = sim.faults.add(PT_OUTAGE);
    for (let request = 0; request < 3; request++) await a.ask();
    sim.faults.remove(outage);
    expect(a.ha.health().find((endpoint) => endpoint.endpointId === 'pt')?.breaker).toBe('open');

    await redis.restart();
    await backOnRedis(fleet);
    await eventually(
      async () => (await stores[1]!.readBreaker('pt:breaker').catch(() => undefined))?.state === 'open',
    );
    const before = sentTo(sim, 'us-east-1');
    expect(b.rows(await b.ask())).toEqual([
      ['pt', 'skipped'],
      ['fallback', 'success'],
    ]);
    expect(sentTo(sim, 'us-east-1')).toBe(before);
  }, 40_000);

  it('keeps serving when Redis is down from the start, and shares state once it comes up', async () => {
    const redis = await startRedisServer();
    await redis.stop();
    const sim = await resources.simulator();
    const store = new RedisStateStore({ url: redis.url });
    resources.defer(() => store.close());
    const member = instance(sim, store, { store: 'redis', url: redis.url });
    resources.defer(() => member.ha.destroy());
    expect(await traffic([member], 10)).toBe(0);
    await redis.restart();
    resources.defer(() => redis.stop());
    await eventually(() => store.connected, 5_000, 'reconnected');
    expect(await store.takeTokens('x:budget', 1, 10)).toBe(9);
  });
});
