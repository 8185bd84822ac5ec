import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisServer, startRedisServer } from '@bedrock-ha/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore, type RedisStateStoreOptions } from '../src/index.js';
import { TAKE_TOKENS } from '../src/lua-scripts.js';

let redis: RedisServer;
const stores: RedisStateStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/** A connected store on the test's Redis, with a prefix of this test's own unless given. */
async function connect(options: Partial<RedisStateStoreOptions> = {}): Promise<RedisStateStore> {
  // A generous command bound: these tests check semantics, on a machine that may be loaded.
  const store = new RedisStateStore({
    url: redis.url,
    keyPrefix: `t${++prefixes}:`,
    commandTimeoutMs: 5_000,
    ...options,
  });
  stores.push(store);
  expect(await store.ready()).toBe(true);
  return store;
}

describe('RedisStateStore', () => {
  it('reads back the breaker record written, and no record for an unknown endpoint', async () => {
    const store = await connect();
    expect(await store.readBreaker('primary:breaker')).toBeUndefined();
    const record = { state: 'open', openUntil: 1_765_000_000_123, coolDownMs: 300 } as const;
    await store.writeBreaker('primary:breaker', record);
    expect(await store.readBreaker('primary:breaker')).toEqual(record);
    await store.writeBreaker('primary:breaker', { state: 'closed', openUntil: 0, coolDownMs: 0 });
    expect(await store.readBreaker('primary:breaker')).toMatchObject({ state: 'closed' });
  });

  it('counts failures across connections until reset, and keeps the count for its window only', async () => {
    const [one, two] = [await connect({ keyPrefix: 'failures:' }), await connect({ keyPrefix: 'failures:' })];
    expect(await one.countFailure('pt:failures', 60_000)).toBe(1);
    expect(await two.countFailure('pt:failures', 60_000)).toBe(2);
    const ttl = Number(await redis.cli('PTTL', 'failures:{pt}:failures'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await two.resetFailures('pt:failures');
    expect(await one.countFailure('pt:failures', 60_000)).toBe(1);
  });

  it('hands the probe to one caller until it is released or its TTL passes', async () => {
    const store = await connect({ keyPrefix: 'probe:' });
    const other = await connect({ keyPrefix: 'probe:' });
    const both = await Promise.all([
      store.acquireProbe('p:breaker', 10_000),
      other.acquireProbe('p:breaker', 10_000),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
    await store.releaseProbe('p:breaker');
    expect(await other.acquireProbe('p:breaker', 50)).toBe(true);
    expect(await store.acquireProbe('p:breaker', 50)).toBe(false);
    await sleep(80);
    expect(await store.acquireProbe('p:breaker', 50)).toBe(true);
    // The probe does not overwrite the breaker record on the same engine key.
    expect(await store.readBreaker('p:breaker')).toBeUndefined();
  });

  it('takes tokens from a bucket that starts full, refuses a cost above what is left, refills up to capacity', async () => {
    const store = await connect();
    expect(await store.takeTokens('p:budget', 5, 20)).toBe(15);
    expect(await store.takeTokens('p:budget', 10, 20)).toBe(5);
    expect(await store.takeTokens('p:budget', 10, 20)).toBeUndefined();
    expect(await store.takeTokens('p:budget', 0.5, 20)).toBe(4.5);
    expect(await store.refillTokens('p:budget', 1.25, 20)).toBe(5.75);
    expect(await store.refillTokens('p:budget', 100, 20)).toBe(20);
    expect(await store.takeTokens('p:budget', 20, 20)).toBe(0);
  });

  it('reserves within the limit, corrects and releases on settle, and reads the window', async () => {
    const store = await connect();
    const window = { windowMs: 60_000, limit: 100 };
    const first = await store.reserve('p:tokens', 60, window);
    expect(first).toMatchObject({ key: 'p:tokens', amount: 60, total: 60, windowMs: 60_000 });
    expect(await store.reserve('p:tokens', 50, window)).toBeUndefined();
    await store.settle(first!, 30);
    expect(await store.readWindow('p:tokens', 60_000)).toBe(30);
    const second = await store.reserve('p:tokens', 70, window);
    expect(second?.total).toBe(100);
    await store.settle(second!, 0);
    expect(await store.readWindow('p:tokens', 60_000)).toBe(30);
    expect((await store.reserve('p:requests', 1_000_000, { windowMs: 60_000 }))?.total).toBe(1_000_000);
    expect(await store.readWindow('unknown:tokens', 60_000)).toBe(0);
  });

  it('aligns windows on Redis’s clock and starts a new one when the window rolls over', async () => {
    const store = await connect();
    const [seconds, micros] = (await redis.cli('TIME')).split('\n').map(Number);
    const redisNow = seconds! * 1000 + Math.floor(micros! / 1000);
    const reservation = await store.reserve('p:requests', 3, { windowMs: 200 });
    expect(reservation!.windowStart % 200).toBe(0);
    expect(Math.abs(reservation!.windowStart - redisNow)).toBeLessThan(1_000);
    await sleep(450);
    expect(await store.readWindow('p:requests', 200)).toBe(0);
    await store.settle(reservation!, 0);
    expect((await store.reserve('p:requests', 1, { windowMs: 200 }))?.total).toBe(1);
  });

  it('answers the total the last window ended with, and counts what was added there unseen against the limit', async () => {
    const store = await connect();
    // An hour-long window, its predecessor written as another instance would have left it.
    const hour = 3_600_000;
    const [seconds] = (await redis.cli('TIME')).split('\n').map(Number);
    const start = seconds! * 1000 - ((seconds! * 1000) % hour);
    const key = `t${prefixes}:{p}:tokens:window`;
    await redis.cli('HSET', key, 'start', String(start - hour), 'total', '80');
    const window = { windowMs: hour, limit: 100, previousSeen: 0 };
    const first = await store.reserve('p:tokens', 10, window);
    expect(first).toMatchObject({ windowStart: start, total: 10, previousTotal: 80 });
    expect(await store.reserve('p:tokens', 11, window)).toBeUndefined();
    expect(await store.reserve('p:tokens', 11, { ...window, previousSeen: 80 })).toMatchObject({ total: 21 });
    // A late settlement of the last window's reservation corrects the total it ended with.
    const last = { key: 'p:tokens', windowStart: start - hour, windowMs: hour, amount: 80, total: 80 };
    await store.settle(last, 30);
    expect(await store.reserve('p:tokens', 1, { windowMs: hour })).toMatchObject({
      total: 22,
      previousTotal: 30,
    });
  });

  it('never admits past the limit when many callers on separate connections reserve at once', async () => {
    const first = await connect({ keyPrefix: 'race:' });
    const second = await connect({ keyPrefix: 'race:' });
    const window = { windowMs: 60_000, limit: 20 };
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, index) => (index % 2 ? first : second).reserve('p:tokens', 1, window)),
    );
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(new Set(results.filter(Boolean).map((result) => result!.total)).size).toBe(20);
    expect(await first.readWindow('p:tokens', 60_000)).toBe(20);
    const taken = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 ? first : second).takeTokens('p:budget', 1, 10)),
    );
    expect(taken.filter((left) => left !== undefined)).toHaveLength(10);
  });

  it('reloads its scripts when Redis forgot them (SCRIPT FLUSH, restart)', async () => {
    const store = await connect();
    expect(await store.takeTokens('p:budget', 1, 10)).toBe(9);
    await redis.cli('SCRIPT', 'FLUSH');
    expect(await store.takeTokens('p:budget', 1, 10)).toBe(8);
    expect(await redis.cli('SCRIPT', 'EXISTS', TAKE_TOKENS.sha1)).toBe('1');
  });

  it('keeps each endpoint’s keys under the prefix, hash-tagged by endpoint id', async () => {
    const store = await connect({ keyPrefix: 'fleet-a:' });
    await store.writeBreaker('pt-east:breaker', { state: 'closed', openUntil: 0, coolDownMs: 0 });
    await store.acquireProbe('pt-east:breaker', 10_000);
    await store.takeTokens('pt-east:budget', 1, 10);
    await store.reserve('pt-east:requests', 1, { windowMs: 60_000 });
    const keys = (await redis.cli('KEYS', 'fleet-a:*')).split('\n').sort();
    expect(keys).toEqual([
      'fleet-a:{pt-east}:breaker',
      'fleet-a:{pt-east}:breaker:probe',
      'fleet-a:{pt-east}:budget:bucket',
      'fleet-a:{pt-east}:requests:window',
    ]);
  });

  it('rejects a bad URL with the fix and without the password', () => {
    expect(() => new RedisStateStore({ url: 'http://user:hunter2@cache:6379' })).toThrow(
      /must start with redis:\/\/ or rediss:\/\/.*not http:/,
    );
    expect(() => new RedisStateStore({ url: 'http://user:hunter2@cache:6379' })).not.toThrow(/hunter2/);
    expect(() => new RedisStateStore({ url: 'cache:6379' })).toThrow(RangeError);
    expect(() => new RedisStateStore({ url: 'redis://cache:6379/zero' })).toThrow(/database number/);
  });

  it('fails fast while Redis is unreachable, and reports it once, password redacted', async () => {
    const dead = await startRedisServer();
    await dead.stop();
    const changes: string[] = [];
    const store = new RedisStateStore({
      url: `redis://default:hunter2@127.0.0.1:${dead.port}`,
      onConnectionChange: (state, error) => changes.push(`${state} ${error?.message ?? ''}`),
    });
    stores.push(store);
    await expect(store.takeTokens('p:budget', 1, 10)).rejects.toThrow();
    await sleep(600);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(/^down Redis at redis:\/\/default:\*\*\*@127\.0\.0\.1/);
    expect(changes.join()).not.toMatch(/hunter2/);
    expect(store.connected).toBe(false);
  });
});
