// One instance of the fleet benchmark (fleet-state.mjs), in its own process: an engine over the
// real SDK against the simulator, on this process's memory or on the fleet's Redis. It says
// `ready` once its store is connected, waits for the start time, sends its share of the load
// (open loop, its requests offset within the fleet's schedule) and reports what happened.
import { createBedrockHA } from '@bedrock-ha/core';
import { RedisStateStore } from '@bedrock-ha/redis';
import { countingStore } from './redis-process.mjs';

const options = JSON.parse(process.argv[2]);
const { simulatorUrl, store, redisUrl, keyPrefix, admission, capacity, ptArn, haiku, input } = options;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** The engine of this instance: the PT (capacity declared with admission), then on-demand Haiku. */
async function engine() {
  const redis =
    store === 'redis'
      ? new RedisStateStore({ url: redisUrl, keyPrefix, commandTimeoutMs: 1_000 })
      : undefined;
  if (redis && !(await redis.ready())) throw new Error(`no Redis at ${redisUrl}`);
  // Each call of the store is one command sent to Redis: counted here, per method.
  const counting = redis && countingStore(redis);
  const ha = createBedrockHA(
    {
      client: { endpoint: simulatorUrl, credentials },
      ...(redis && {
        state: {
          store: 'redis',
          url: redisUrl,
          keyPrefix,
          ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
        },
      }),
      chains: {
        seed: {
          endpoints: [
            { id: 'pt', modelId: ptArn, ...(admission && { capacity }) },
            { id: 'on-demand', region: 'us-west-2', modelId: haiku },
          ],
        },
      },
    },
    { telemetry: false, ...(counting && { stateStore: counting.store }) },
  );
  return { ha, redis, counting };
}

const { ha, redis, counting } = await engine();
const counts = { ptThrottled: 0, ptSpilled: 0, ptBreakerSkips: 0, storeFallbacks: 0 };
ha.onAttempt(({ endpoint, reason }) => {
  if (endpoint.endpointId !== 'pt') return;
  if (reason === 'throttled') counts.ptThrottled++;
  if (reason === 'at-capacity') counts.ptSpilled++;
  if (reason === 'circuit-open') counts.ptBreakerSkips++;
});
ha.onStateStoreFallback(() => counts.storeFallbacks++);

/** Request `index` of the fleet's schedule is this instance's when `index % instances === rank`. */
async function run({ startAt, rate, seconds, instances, rank }) {
  const latencies = [];
  let failed = 0;
  let ptServed = 0;
  const pending = [];
  const total = Math.round(rate * seconds);
  for (let index = rank; index < total; index += instances) {
    const wait = startAt + (index * 1000) / rate - Date.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    pending.push(
      ha.converse('seed', input).then(
        (result) => {
          latencies.push(performance.now() - sent);
          if (result.servedBy.endpointId === 'pt') ptServed++;
        },
        () => failed++,
      ),
    );
  }
  await Promise.all(pending);
  // Counters and settlements are not awaited by the requests: let the last ones land.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const storeCalls = counting?.calls;
  return {
    requests: pending.length,
    failed,
    ptServed,
    ...counts,
    storeCalls,
    endedAt: Date.now(),
    latencies,
  };
}

process.on('message', async (message) => {
  if (message.type !== 'start') return;
  const result = await run(message);
  ha.destroy();
  await redis?.close();
  process.send({ type: 'result', result }, () => process.exit(0));
});
process.send({ type: 'ready' });
