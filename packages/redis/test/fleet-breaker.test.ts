import { type StateStoreFallbackEvent, withLocalFallback } from '@bedrock-ha/core';
import { eventually, type RedisServer, startRedisServer, testResources } from '@bedrock-ha/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { BREAKER, type Instance, instance, LONG_BREAKER, PT_OUTAGE, sentTo } from './fleet.js';

const resources = testResources();
let redis: RedisServer;
let fleets = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

/** Two engines on the test's Redis, each on its own connection; generous bounds (see fleet.test.ts). */
async function twoEngines(breaker: typeof BREAKER | typeof LONG_BREAKER) {
  const sim = await resources.simulator();
  const keyPrefix = `breaker${++fleets}:`;
  const stores: RedisStateStore[] = [];
  const members: Instance[] = [];
  for (let index = 0; index < 2; index++) {
    const store = new RedisStateStore({ url: redis.url, keyPrefix, commandTimeoutMs: 1_000 });
    resources.defer(() => store.close());
    await store.ready();
    const member = instance(sim, withLocalFallback(store, { timeoutMs: 1_000 }), {}, breaker);
    resources.defer(() => member.ha.destroy());
    stores.push(store);
    members.push(member);
  }
  return { sim, stores, members: members as [Instance, Instance] };
}

const PT_FAILED = [
  ['pt', 'failure'],
  ['fallback', 'success'],
];
const PT_SKIPPED = [
  ['pt', 'skipped'],
  ['fallback', 'success'],
];

describe('a fleet’s breaker counts failures fleet-wide', () => {
  it('opens for both engines once their failures together reach the threshold', async () => {
    const { sim, stores, members } = await twoEngines(LONG_BREAKER);
    const [a, b] = members;
    sim.faults.add(PT_OUTAGE);
    // 3 in a row open the breaker: A sees two, B one; neither engine's own count reaches 3.
    for (const member of [a, b]) expect(member.rows(await member.ask())).toEqual(PT_FAILED);
    expect(await stores[0]!.readBreaker('pt:breaker')).toBeUndefined();
    expect(a.rows(await a.ask())).toEqual(PT_FAILED);
    await eventually(async () => (await stores[1]!.readBreaker('pt:breaker'))?.state === 'open');
    for (const member of [a, b]) expect(member.rows(await member.ask())).toEqual(PT_SKIPPED);
    expect(sentTo(sim, 'us-east-1')).toBe(3);
  });

  it('starts counting afresh after a success of an engine that had failed', async () => {
    const { sim, stores, members } = await twoEngines(LONG_BREAKER);
    const [a, b] = members;
    const outage = sim.faults.add(PT_OUTAGE);
    for (const member of [a, b]) await member.ask();
    sim.faults.remove(outage);
    expect((await a.ask()).servedBy.endpointId).toBe('pt');
    await eventually(
      async () => (await redis.cli('EXISTS', `breaker${fleets}:{pt}:failures`)).trim() === '0',
    );
    sim.faults.add(PT_OUTAGE);
    for (const member of [a, b]) expect(member.rows(await member.ask())).toEqual(PT_FAILED);
    expect(await stores[0]!.readBreaker('pt:breaker')).toBeUndefined();
  });

  it('doubles the fleet’s cool-down after each failed probe, up to the longest', async () => {
    const { sim, stores, members } = await twoEngines(BREAKER);
    const [a, b] = members;
    sim.faults.add(PT_OUTAGE);
    for (const member of [a, b, a]) await member.ask();
    const record = () => stores[0]!.readBreaker('pt:breaker');
    await eventually(async () => (await record())?.state === 'open');
    expect((await record())?.coolDownMs).toBe(300);
    // B's own breaker never opened: its probes, each failing, grow the cool-down as one breaker would.
    for (const coolDownMs of [600, 1_200, 2_000, 2_000]) {
      const openUntil = (await record())?.openUntil ?? 0;
      await eventually(() => Date.now() >= openUntil, 5_000, 'the cool-down over');
      await eventually(async () => b.rows(await b.ask())[0]?.[1] === 'failure', 5_000, 'B probed');
      await eventually(async () => (await record())?.coolDownMs === coolDownMs, 5_000, `${coolDownMs} ms`);
    }
  });
});

describe('with Redis down', () => {
  it('each engine counts its own failures, and no request fails', async () => {
    const down = await startRedisServer();
    await down.stop();
    const sim = await resources.simulator();
    const fallbacks: StateStoreFallbackEvent[] = [];
    const [a, b] = [0, 1].map(() => {
      const store = new RedisStateStore({ url: down.url });
      resources.defer(() => store.close());
      const member = instance(sim, store, { store: 'redis', url: down.url }, LONG_BREAKER);
      member.ha.onStateStoreFallback((event) => fallbacks.push(event));
      resources.defer(() => member.ha.destroy());
      return member;
    }) as [Instance, Instance];
    sim.faults.add(PT_OUTAGE);
    // Split failures do not open a breaker any more: the engines cannot see each other's.
    for (const member of [a, b, a]) expect(member.rows(await member.ask())).toEqual(PT_FAILED);
    expect(b.rows(await b.ask())).toEqual(PT_FAILED);
    // A's own third failure opens A's breaker alone.
    expect(a.rows(await a.ask())).toEqual(PT_FAILED);
    expect(a.rows(await a.ask())).toEqual(PT_SKIPPED);
    expect(b.rows(await b.ask())).toEqual(PT_FAILED);
    expect(fallbacks.length).toBeGreaterThan(0);
  });
});
