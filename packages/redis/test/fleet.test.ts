import { type StoreFallbackEvent, withLocalFallback } from '@bedrock-ha/core';
import { eventually, type RedisServer, startRedisServer, testResources } from '@bedrock-ha/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { instance, LONG_BREAKER, PT_OUTAGE, sentTo } from './fleet.js';

const resources = testResources();
let redis: RedisServer;
let fleets = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

/**
 * `count` stores on the test's Redis under one prefix of the test's own, as `count` gateway
 * processes would have. The local-fallback bound is generous here so that a loaded test machine
 * cannot turn a shared decision into a local one; the fallback tests cover the tight bound.
 */
async function sharedStores(count: number) {
  const keyPrefix = `fleet${++fleets}:`;
  const fallbacks: StoreFallbackEvent[] = [];
  const stores = [];
  for (let index = 0; index < count; index++) {
    const store = new RedisStateStore({ url: redis.url, keyPrefix, commandTimeoutMs: 1_000 });
    resources.defer(() => store.close());
    await store.ready();
    stores.push({
      redis: store,
      wrapped: withLocalFallback(store, { timeoutMs: 1_000, onFallback: (event) => fallbacks.push(event) }),
    });
  }
  return { stores, fallbacks, keyPrefix };
}

describe('a fleet sharing one Redis', () => {
  it('skips the PT on engine B once engine A opened its breaker, without sending it anything', async () => {
    const sim = await resources.simulator();
    const { stores, fallbacks } = await sharedStores(2);
    const a = instance(sim, stores[0]!.wrapped, {}, LONG_BREAKER);
    const b = instance(sim, stores[1]!.wrapped, {}, LONG_BREAKER);
    resources.defer(() => a.ha.destroy());
    resources.defer(() => b.ha.destroy());
    const outage = sim.faults.add(PT_OUTAGE);
    for (let request = 0; request < 3; request++)
      expect(a.rows(await a.ask())).toEqual([
        ['pt', 'failure'],
        ['fallback', 'success'],
      ]);
    await eventually(async () => (await stores[1]!.redis.readBreaker('pt:breaker'))?.state === 'open');
    sim.faults.remove(outage);
    expect(sentTo(sim, 'us-east-1')).toBe(3);

    // B never saw a failure, yet turns the PT away for as long as A's breaker is open.
    for (let request = 0; request < 3; request++)
      expect(b.rows(await b.ask())).toEqual([
        ['pt', 'skipped'],
        ['fallback', 'success'],
      ]);
    expect(sentTo(sim, 'us-east-1')).toBe(3);
    expect(fallbacks).toEqual([]);
  });

  it('sends one half-open probe for the whole fleet, and every engine uses the PT once it closes', async () => {
    const sim = await resources.simulator();
    const { stores, fallbacks, keyPrefix } = await sharedStores(3);
    const fleet = stores.map((store) => instance(sim, store.wrapped));
    for (const member of fleet) resources.defer(() => member.ha.destroy());
    const outage = sim.faults.add(PT_OUTAGE);
    for (let request = 0; request < 3; request++) await fleet[0]!.ask();
    await eventually(async () => (await stores[0]!.redis.readBreaker('pt:breaker'))?.state === 'open');
    sim.faults.remove(outage);
    const openUntil = (await stores[0]!.redis.readBreaker('pt:breaker'))?.openUntil ?? 0;
    await eventually(() => Date.now() >= openUntil, 5_000, 'the cool-down over');

    // The simulator holds the probe while every other request is asked (once the probe is taken).
    const slow = sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 2_000 } });
    const probe = fleet[0]!.ask();
    await eventually(
      async () => (await redis.cli('EXISTS', `${keyPrefix}{pt}:breaker:probe`)).trim() === '1',
    );
    const others = fleet.flatMap((member, index) =>
      index === 0 ? [member.ask()] : [member.ask(), member.ask()],
    );
    const answers = await Promise.all([probe, ...others]);
    sim.faults.remove(slow);
    const servedBy = answers.map((answer) => answer.servedBy.endpointId);
    expect(servedBy.filter((id) => id === 'pt')).toHaveLength(1);
    expect(servedBy.filter((id) => id === 'fallback')).toHaveLength(5);
    expect(sentTo(sim, 'us-east-1')).toBe(4);
    await eventually(async () => (await stores[2]!.redis.readBreaker('pt:breaker'))?.state === 'closed');
    for (const member of fleet) expect((await member.ask()).servedBy.endpointId).toBe('pt');
    expect(fallbacks).toEqual([]);
  });

  it('sums each endpoint’s requests per minute over the fleet', async () => {
    const sim = await resources.simulator();
    const { stores } = await sharedStores(2);
    const [a, b] = stores.map((store) => instance(sim, store.wrapped));
    resources.defer(() => a!.ha.destroy());
    resources.defer(() => b!.ha.destroy());
    await a!.ask();
    await b!.ask();
    await b!.ask();
    await eventually(async () => (await stores[0]!.redis.readWindow('pt:requests', 60_000)) === 3);
    await b!.ask();
    const usage = () => b!.ha.health().find((endpoint) => endpoint.endpointId === 'pt')?.usage;
    await eventually(() => usage()?.requests === 4, 5_000, 'fleet-wide usage in health()');
  });
});
