import { setTimeout as sleep } from 'node:timers/promises';
import type { BedrockHA } from '@bedrock-ha/core';
import { RedisStateStore } from '@bedrock-ha/redis';
import { type RedisServer, startRedisServer } from '@bedrock-ha/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  attemptRows,
  HAIKU,
  harness,
  load,
  ptArn,
  report,
  requestCount,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

// Fleet-wide state on Redis (issue 17): Redis slowed, killed and restarted under load, while four
// engines (four gateway instances) share it. Redis trouble must never fail a request, and once
// Redis is back the fleet must share breaker state again.
const { simulator, engine } = harness();
const stores: RedisStateStore[] = [];
let redis: RedisServer | undefined;
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await redis?.stop();
});

const ENGINES = 4;
const PT = ptArn('us-east-1', 'chaospt00001');

function fleet(sim: { url: string }, url: string): { engines: BedrockHA[]; fallbacks: () => number } {
  let fallbacks = 0;
  const engines = Array.from({ length: ENGINES }, () => {
    const store = new RedisStateStore({ url, keyPrefix: 'chaos:' });
    stores.push(store);
    const ha = engine(
      sim,
      {
        state: { store: 'redis', url, timeoutMs: 50 },
        chains: {
          haiku: {
            endpoints: [
              { id: 'pt', modelId: PT },
              { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
            ],
            policy: {
              retry: { maxAttempts: 1 },
              breaker: {
                mode: 'consecutive',
                failures: 3,
                halfOpenAfterMs: 2_000,
                maxHalfOpenAfterMs: 4_000,
              },
            },
          },
        },
      },
      { stateStore: store },
    );
    ha.onStateStoreFallback(() => fallbacks++);
    return ha;
  });
  return { engines, fallbacks: () => fallbacks };
}

describe('redis outage', () => {
  it('fails no request while Redis stalls, dies and restarts, and the fleet shares breakers again', async () => {
    redis = await startRedisServer();
    const sim = await simulator({
      provisionedThroughputs: [
        {
          name: 'chaos',
          region: 'us-east-1',
          modelId: `${HAIKU}:48k`,
          id: 'chaospt00001',
          requestsPerMinute: 1e9,
          tokensPerMinute: 1e12,
          maxConcurrent: 1e6,
        },
      ],
    });
    const { engines, fallbacks } = fleet(sim, redis.url);
    await Promise.all(stores.map((store) => store.ready()));
    const server = redis;
    // The faults run beside the load: a 200 ms stall, then a crash, then a restart.
    const faults = (async () => {
      await sleep(300);
      await server.cli('DEBUG', 'SLEEP', '0.2');
      await sleep(300);
      await server.kill();
      await sleep(1_000);
      await server.restart();
    })();
    const results = await load(400, 8, (index) =>
      engines[index % ENGINES]!.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }),
    );
    await faults;
    const failed = results.filter((result) => result.status === 'rejected').length;
    expect(failed).toBe(0);
    expect(fallbacks()).toBeGreaterThan(0);

    // Convergence: once the engines' store breakers close (5 s cool-down), an outage one engine
    // sees keeps the others off the PT without their sending it anything.
    await sleep(5_500);
    await load(20, 4, (index) =>
      engines[index % ENGINES]!.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }),
    );
    const outage = sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    for (let request = 0; request < 3; request++)
      await engines[0]!.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    await sleep(200);
    sim.faults.remove(outage);
    const sentBefore = requestCount(sim, { region: 'us-east-1' });
    for (const ha of engines.slice(1))
      expect(
        attemptRows((await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })).attempts),
      ).toEqual([
        ['pt', 'skipped', 'circuit-open'],
        ['fallback', 'success', undefined],
      ]);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(sentBefore);
    report('redis outage', { requests: results.length, failed, fallbacks: fallbacks() });
  });
});
