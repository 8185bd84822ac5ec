// Part of benchmark 9 (fleet-state.mjs): what a shared Redis store adds to one request, on
// loopback. One request at a time against a simulator that answers at once (so the store's round
// trips are not hidden behind a model's latency), the PT served every time. Four engines take turns
// request by request: memory and Redis store, each reactive and with admission (a capacity so
// large that nothing spills). Added = median over rounds of (Redis engine - memory engine) of the
// same mode. Also: each store call's own round trip, and Redis commands per served request.
import { createBedrockHA, withLocalFallback } from '@bedrock-ha/core';
import { RedisStateStore } from '@bedrock-ha/redis';
import { median, round3, summarizeLatencies } from './percentiles.mjs';
import { commandsBetween, countingStore } from './redis-process.mjs';
import { startSimulatorProcess, UNLIMITED } from './simulator-process.mjs';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const STORE_TIMEOUT_MS = 100;

function engine(url, ptArn, haiku, admission, redis) {
  return createBedrockHA(
    {
      client: { endpoint: url, credentials },
      // A bound well above a loopback round trip: every call measured goes to Redis, even when this
      // shared machine stalls a process for a few milliseconds (the default 5 ms would answer those
      // from local state, and then skip Redis for 5 s, hiding its cost).
      ...(redis && {
        state: { store: 'redis', url: redis.url, keyPrefix: redis.keyPrefix, timeoutMs: STORE_TIMEOUT_MS },
      }),
      chains: {
        seed: {
          endpoints: [
            {
              id: 'pt',
              modelId: ptArn,
              ...(admission && { capacity: { tokensPerMinute: 1e12, windowMs: 1_000 } }),
            },
            { id: 'on-demand', region: 'us-west-2', modelId: haiku },
          ],
        },
      },
    },
    { telemetry: false, ...(redis && { stateStore: redis.store }) },
  );
}

/** Milliseconds `call` takes, `count` times one after another. */
async function timed(count, call) {
  const samples = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await call(index);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Redis commands per request of `ha` (store calls counted by `counting`), alone, over `count` requests. */
async function commandsPerRequest(redis, ha, counting, input, count = 200) {
  const before = await redis.commands();
  const sentBefore = { ...counting.calls };
  await timed(count, () => ha.converse('seed', input));
  // Settlements and counters are not awaited by the request: let them land.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const run = commandsBetween(before, await redis.commands());
  const perRequest = (calls) => Number((calls / count).toFixed(2));
  const sent = Object.entries(counting.calls)
    .map(([method, calls]) => [method, perRequest(calls - sentBefore[method])])
    .filter(([, calls]) => calls > 0);
  return {
    sent: perRequest(counting.total() - Object.values(sentBefore).reduce((sum, calls) => sum + calls, 0)),
    run: perRequest(run.total),
    storeCalls: Object.fromEntries(sent),
  };
}

export async function fleetLatency({
  redis,
  ptArn,
  haiku,
  input,
  rounds = Number(process.env.BENCH_FLEET_LATENCY_ROUNDS ?? 1_000),
}) {
  const ptId = ptArn.split('/').pop();
  const sim = await startSimulatorProcess({
    quotas: { onDemand: UNLIMITED },
    provisionedThroughputs: [
      { name: 'latency-pt', region: 'us-east-1', modelId: `${haiku}:48k`, id: ptId, tokensPerMinute: 1e12 },
    ],
  });
  const stores = [];
  const engines = {};
  const counters = {};
  const fallbacks = {};
  try {
    for (const admission of [false, true]) {
      const mode = admission ? 'admission' : 'reactive';
      const keyPrefix = `latency-${mode}:`;
      const store = new RedisStateStore({ url: redis.url, keyPrefix, commandTimeoutMs: STORE_TIMEOUT_MS });
      stores.push(store);
      await store.ready();
      counters[mode] = countingStore(store);
      engines[`${mode}, memory`] = engine(sim.url, ptArn, haiku, admission);
      engines[`${mode}, redis`] = engine(sim.url, ptArn, haiku, admission, {
        url: redis.url,
        keyPrefix,
        store: counters[mode].store,
      });
      fallbacks[mode] = {};
      engines[`${mode}, redis`].onStateStoreFallback(({ operation, reason }) => {
        const key = `${operation} ${reason}`;
        fallbacks[mode][key] = (fallbacks[mode][key] ?? 0) + 1;
      });
    }
    const names = Object.keys(engines);
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = -50; round < rounds; round++) {
      // Rotate who goes first, so no engine always follows the same one.
      for (let turn = 0; turn < names.length; turn++) {
        const name = names[(turn + round + 50) % names.length];
        const start = performance.now();
        const { servedBy } = await engines[name].converse('seed', input);
        const ms = performance.now() - start;
        if (servedBy.endpointId !== 'pt')
          throw new Error(`${name}: served by ${servedBy.endpointId}, not the PT`);
        if (round >= 0) samples[name].push(ms);
      }
    }
    const result = { rounds, engines: {}, addedMs: {} };
    for (const name of names) result.engines[name] = summarizeLatencies(samples[name]);
    for (const mode of ['reactive', 'admission']) {
      const redisSamples = samples[`${mode}, redis`];
      const memorySamples = samples[`${mode}, memory`];
      result.addedMs[mode] = round3(median(redisSamples.map((ms, index) => ms - memorySamples[index])));
    }
    result.commandsPerServedRequest = {
      reactive: await commandsPerRequest(redis, engines['reactive, redis'], counters.reactive, input),
      admission: await commandsPerRequest(redis, engines['admission, redis'], counters.admission, input),
    };
    result.storeCallMs = await storeCalls(redis.url);
    // Store calls answered from local state (slower than the engine's bound, or failed).
    result.storeFallbacks = fallbacks;
    return result;
  } finally {
    for (const ha of Object.values(engines)) ha.destroy();
    for (const store of stores) await store.close();
    await sim.stop();
  }
}

/** p50 and p99 of single store calls on loopback: the raw store, and behind the engine's local fallback. */
async function storeCalls(url) {
  // A generous bound: a stalled call on a loaded machine is a slow sample, not a failed benchmark.
  const store = new RedisStateStore({ url, keyPrefix: 'latency-calls:', commandTimeoutMs: 5_000 });
  await store.ready();
  const wrapped = withLocalFallback(store);
  const window = { windowMs: 1_000, limit: 1e12 };
  try {
    const calls = {
      'readBreaker (GET)': (s) => s.readBreaker('pt:breaker'),
      'reserve (EVALSHA)': (s) => s.reserve('pt:capacity:tokens', 1, window),
    };
    const result = {};
    for (const [name, call] of Object.entries(calls)) {
      await timed(100, () => call(store));
      result[name] = summarizeLatencies(await timed(2_000, () => call(store)));
      result[`${name}, with local fallback`] = summarizeLatencies(await timed(2_000, () => call(wrapped)));
    }
    return result;
  } finally {
    await store.close();
  }
}
