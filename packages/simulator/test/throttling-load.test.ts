import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../src/index.js';
import { HAIKU } from './sdk.js';

const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/loadtest0001';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const messages = [
  {
    role: 'user' as const,
    content: [{ text: 'what is the largest city in the world? only give the answer' }],
  },
];

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: SimulatorOptions): Promise<Simulator> {
  sim = await startSimulator(options);
  return sim;
}

function client(region: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ region, endpoint: sim!.url, credentials, maxAttempts: 1 });
}

type Settled = PromiseSettledResult<ConverseCommandOutput>;

async function burst(runtime: BedrockRuntimeClient, modelId: string, count: number): Promise<Settled[]> {
  return Promise.allSettled(
    Array.from({ length: count }, () => runtime.send(new ConverseCommand({ modelId, messages }))),
  );
}

function tally(results: Settled[]) {
  const throttled = results.filter(
    (result) => result.status === 'rejected' && result.reason instanceof ThrottlingException,
  );
  const ok = results.filter((result) => result.status === 'fulfilled');
  return { ok: ok.length, throttled: throttled.length, other: results.length - ok.length - throttled.length };
}

describe('capacity under load', () => {
  it('throttles a PT once load exceeds its tokens per minute, and recovers when load drops', async () => {
    // 6,000 tokens/min with a 1 s bucket: 100 tokens at once, refilling at 100 tokens/s.
    await start({
      provisionedThroughputs: [
        {
          name: 'pt',
          region: 'us-east-1',
          modelId: HAIKU,
          id: 'loadtest0001',
          tokensPerMinute: 6_000,
          burstSeconds: 1,
        },
      ],
    });
    const runtime = client('us-east-1');

    const burstStarted = performance.now();
    const overload = tally(await burst(runtime, PT_ARN, 40));
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    expect(overload.other).toBe(0);
    const [first] = sim!.requests();
    const cost = first!.inputTokens! + first!.outputTokens!;
    // The 100-token bucket fits floor(100 / cost) requests; the refill of 100 tokens/s while the
    // burst lasts may admit more (a loaded machine stretches the burst), and nothing beyond that.
    expect(overload.ok).toBeGreaterThanOrEqual(Math.floor(100 / cost));
    expect(overload.ok).toBeLessThanOrEqual(Math.floor((100 + 100 * burstSeconds) / cost));
    expect(overload.ok).toBeLessThan(40);
    expect(overload.throttled).toBe(40 - overload.ok);

    const throttledRequests = sim!.requests().filter((request) => request.outcome === 'ThrottlingException');
    expect(throttledRequests.length).toBe(overload.throttled);

    // Load drops: after the bucket refills, a request every 150 ms (7 tokens/s < 100) always succeeds.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (let index = 0; index < 5; index++) {
      const answer = await runtime.send(new ConverseCommand({ modelId: PT_ARN, messages }));
      expect(answer.output?.message?.content?.[0]?.text).toBe('Tokyo');
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const [counter] = sim!.counters({ region: 'us-east-1', model: PT_ARN });
    expect(counter?.outcomes.success).toBe(overload.ok + 5);
  });

  it('words the throttle by the limit that was hit, as Bedrock does', async () => {
    await start({
      quotas: { overrides: [{ region: 'us-east-1', model: HAIKU, requestsPerMinute: 60, burstSeconds: 2 }] },
    });
    const results = await burst(client('us-east-1'), HAIKU, 5);
    const rejection = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(tally(results)).toEqual({ ok: 2, throttled: 3, other: 0 });
    expect(rejection.reason.message).toBe('Too many requests, please wait before trying again.');
    expect(rejection.reason.$metadata.httpStatusCode).toBe(429);
  });

  it('keeps each region’s on-demand quota separate', async () => {
    await start({ quotas: { onDemand: { requestsPerMinute: 60, burstSeconds: 3 } } });
    expect(tally(await burst(client('us-east-1'), HAIKU, 6))).toEqual({ ok: 3, throttled: 3, other: 0 });
    expect(tally(await burst(client('us-west-2'), HAIKU, 3))).toEqual({ ok: 3, throttled: 0, other: 0 });
  });

  it('keeps a PT’s capacity apart from on-demand capacity of the same model', async () => {
    await start({
      quotas: { onDemand: { requestsPerMinute: 60, burstSeconds: 1 } },
      provisionedThroughputs: [{ name: 'pt', region: 'us-east-1', modelId: HAIKU, id: 'loadtest0001' }],
    });
    const runtime = client('us-east-1');
    expect(tally(await burst(runtime, HAIKU, 3))).toEqual({ ok: 1, throttled: 2, other: 0 });
    expect(tally(await burst(runtime, PT_ARN, 3))).toEqual({ ok: 3, throttled: 0, other: 0 });
  });

  it('throttles requests beyond maxConcurrent while earlier ones are still generating', async () => {
    await start({
      models: { '*': { firstTokenMs: 150 } },
      quotas: { onDemand: { maxConcurrent: 2 } },
    });
    const results = await burst(client('us-east-1'), HAIKU, 5);
    expect(tally(results)).toEqual({ ok: 2, throttled: 3, other: 0 });
    const rejection = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejection.reason.message).toContain('concurrent');
  });

  it('refills every endpoint on reset()', async () => {
    await start({ quotas: { onDemand: { requestsPerMinute: 60, burstSeconds: 1 } } });
    const runtime = client('us-east-1');
    expect(tally(await burst(runtime, HAIKU, 2))).toEqual({ ok: 1, throttled: 1, other: 0 });
    sim!.reset();
    expect(sim!.counters()).toEqual([]);
    expect(tally(await burst(runtime, HAIKU, 1))).toEqual({ ok: 1, throttled: 0, other: 0 });
  });
});
