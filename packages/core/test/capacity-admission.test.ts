import { describe, expect, it } from 'vitest';
import { type BedrockHAConfig, ConfigError, createBedrockHA } from '../src/index.js';
import { attemptRows, HAIKU, haikuPt, harness, ptArn, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const PT = ptArn('us-east-1', 'capacitypt01');

/** The AWS sample's chain (PT first, on-demand in us-west-2 next) with a capacity on the PT. */
function chain(capacity: Record<string, unknown>, policy: Record<string, unknown> = {}): BedrockHAConfig {
  return {
    chains: {
      haiku: {
        endpoints: [
          { id: 'pt', modelId: PT, capacity },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
        policy: { retry: { maxAttempts: 1 }, ...policy },
      },
    },
  };
}

const ask = (maxTokens: number) => ({
  messages: userMessage(TOKYO_PROMPT),
  inferenceConfig: { maxTokens },
});

/** The simulator's count of the PT's throttles, by reason. */
function ptThrottles(sim: Awaited<ReturnType<typeof simulator>>) {
  return Object.entries(sim.capacity()).find(([key]) => key.endsWith('capacitypt01'))?.[1].throttled;
}

function ptHealth(ha: ReturnType<typeof engine>) {
  return ha.health().find((endpoint) => endpoint.endpointId === 'pt')!;
}

describe('token-aware admission', () => {
  it('spills to the next endpoint without sending when the PT is at capacity, so the PT never throttles', async () => {
    // The PT admits 600 tokens a minute; each request reserves its input + maxTokens 100.
    const sim = await simulator({
      quotas: { reservation: 'max-tokens' },
      provisionedThroughputs: [haikuPt('us-east-1', 'capacitypt01', { tokensPerMinute: 600 })],
    });
    const ha = engine(sim, chain({ tokensPerMinute: 600 }));
    const results = await Promise.all(Array.from({ length: 10 }, () => ha.converse('haiku', ask(100))));
    const served = results.map((result) => result.servedBy.endpointId);
    expect(served.filter((id) => id === 'pt')).toHaveLength(5);
    expect(served.filter((id) => id === 'west')).toHaveLength(5);
    for (const result of results.filter((each) => each.servedBy.endpointId === 'west'))
      expect(attemptRows(result.attempts)).toEqual([
        ['pt', 'skipped', 'at-capacity'],
        ['west', 'success', undefined],
      ]);
    expect(ptThrottles(sim)).toEqual({});
    expect(ptHealth(ha).capacity).toMatchObject({
      declared: { tokensPerMinute: 600 },
      spilled: 5,
      throttled: 0,
    });
  });

  it('sends traffic back to the PT as soon as its window has room, with no breaker cool-down', async () => {
    // 120 tokens a second on both sides: one request (input ~19 + maxTokens 100) per one-second window.
    const sim = await simulator({
      quotas: { reservation: 'max-tokens' },
      provisionedThroughputs: [
        haikuPt('us-east-1', 'capacitypt01', { tokensPerMinute: 7_200, burstSeconds: 1 }),
      ],
    });
    const ha = engine(sim, chain({ tokensPerMinute: 7_200, windowMs: 1_000 }));
    const first = await Promise.all([ha.converse('haiku', ask(100)), ha.converse('haiku', ask(100))]);
    expect(first.map((result) => result.servedBy.endpointId).sort()).toEqual(['pt', 'west']);
    expect(ha.health().find((each) => each.endpointId === 'pt')!.breaker).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const later = await ha.converse('haiku', ask(100));
    expect(later.servedBy.endpointId).toBe('pt');
    expect(attemptRows(later.attempts)).toEqual([['pt', 'success', undefined]]);
    expect(ptThrottles(sim)).toEqual({});
  });

  it('corrects each reservation to the usage the answer reports, for Converse and ConverseStream', async () => {
    // maxTokens 1,000 reserves ~1,010 tokens of 1,500: without correction a second request would spill.
    const sim = await simulator({
      quotas: { reservation: 'max-tokens' },
      provisionedThroughputs: [haikuPt('us-east-1', 'capacitypt01', { tokensPerMinute: 1_500 })],
    });
    const ha = engine(sim, chain({ tokensPerMinute: 1_500 }));
    let used = 0;
    for (let request = 0; request < 3; request++) {
      const result = await ha.converse('haiku', ask(1_000));
      expect(result.servedBy.endpointId).toBe('pt');
      used += (result.usage?.inputTokens ?? 0) + (result.usage?.outputTokens ?? 0);
    }
    const stream = await ha.converseStream('haiku', ask(1_000));
    expect(stream.servedBy.endpointId).toBe('pt');
    for await (const event of stream.stream)
      if (event.metadata?.usage)
        used += event.metadata.usage.inputTokens! + event.metadata.usage.outputTokens!;
    expect(used).toBeGreaterThan(0);
    expect(ptHealth(ha).capacity?.used.tokens).toBe(used);
  });

  it('releases the reservation of an attempt that failed', async () => {
    const sim = await simulator({
      quotas: { reservation: 'max-tokens' },
      provisionedThroughputs: [haikuPt('us-east-1', 'capacitypt01', { tokensPerMinute: 1_500 })],
    });
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'InternalServerException' },
    });
    const ha = engine(sim, chain({ tokensPerMinute: 1_500 }));
    const result = await ha.converse('haiku', ask(1_000));
    expect(attemptRows(result.attempts)).toEqual([
      ['pt', 'failure', 'server-error'],
      ['west', 'success', undefined],
    ]);
    expect(ptHealth(ha).capacity?.used.tokens).toBe(0);
  });

  it('learns a lower rate from throttles when no capacity is declared, and spills instead of throttling', async () => {
    // Answers take 200 ms, so the ten requests of a round are in flight at once.
    const sim = await simulator({
      quotas: { reservation: 'max-tokens' },
      models: { '*': { firstTokenMs: 200 } },
      provisionedThroughputs: [haikuPt('us-east-1', 'capacitypt01', { tokensPerMinute: 600 })],
    });
    // A breaker that opens on 2 failures in a row: throttles of a learning endpoint must not count.
    const ha = engine(
      sim,
      chain(
        {},
        {
          breaker: { mode: 'consecutive', failures: 2, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
        },
      ),
    );
    const round = async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => ha.converse('haiku', ask(100))));
      const reasons = results.map((result) => result.attempts[0]?.reason);
      return {
        throttled: reasons.filter((reason) => reason === 'throttled').length,
        spilled: reasons.filter((reason) => reason === 'at-capacity').length,
      };
    };
    expect(ptHealth(ha).capacity?.learned).toEqual({ tokensPerMinute: undefined });
    const first = await round();
    expect(first.throttled).toBeGreaterThan(0);
    expect(first.spilled).toBe(0);
    const learned = ptHealth(ha).capacity?.learned?.tokensPerMinute;
    expect(learned).toBeGreaterThan(0);
    expect(learned).toBeLessThan(600);
    const second = await round();
    expect(second.throttled).toBeLessThan(first.throttled);
    expect(second.spilled).toBeGreaterThan(0);
    expect(ptHealth(ha).breaker).toBe('closed');
  });
});

describe('capacity config', () => {
  const configWith = (capacity: unknown) => ({
    chains: { haiku: { endpoints: [{ modelId: PT, capacity }] } },
  });

  it('says how to price model units when the PT ARN does not name its model', () => {
    const error = (() => {
      try {
        createBedrockHA(configWith({ modelUnits: 2 }) as BedrockHAConfig, { telemetry: false });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      expect.objectContaining({
        path: 'chains.haiku.endpoints.0.capacity.modelUnits',
        fix: expect.stringContaining('capacity.tokensPerModelUnit'),
      }),
    ]);
  });

  it('prices model units from the model table', () => {
    const ha = createBedrockHA(
      configWith({ modelUnits: 2, model: 'anthropic.claude-3-haiku-20240307-v1:0' }) as BedrockHAConfig,
      { telemetry: false },
    );
    expect(ha.health()[0]?.capacity?.declared).toEqual({ tokensPerMinute: 40_000, modelUnits: 2 });
    ha.destroy();
  });

  it.each([
    [{ modelUnits: 1, tokensPerMinute: 100 }, 'set either modelUnits or tokensPerMinute, not both'],
    [{ tokensPerMinute: -5 }, 'tokensPerMinute'],
    [{ learn: false }, 'declares nothing'],
    [{ tokensPerModelUnit: 100 }, 'tokensPerModelUnit needs modelUnits'],
  ])('rejects %j with a clear message', (capacity, message) => {
    expect(() => createBedrockHA(configWith(capacity) as BedrockHAConfig, { telemetry: false })).toThrow(
      message,
    );
  });
});
