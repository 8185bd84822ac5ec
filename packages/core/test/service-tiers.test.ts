import type { SimulatorOptions } from '@bedrock-ha/simulator';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import type { BedrockHAConfig, BedrockHAOptions } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  NOVA,
  recordEvents,
  streamText,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness();

/** The simulator's service-tiers scenario: Nova Micro offers only `default`; Haiku has a reservation in us-east-1 only. */
const TIERS: SimulatorOptions = {
  serviceTiers: {
    supported: [{ model: NOVA, tiers: ['default'] }],
    reservations: [{ model: HAIKU, region: 'us-east-1', tokensPerMinute: 100_000 }],
  },
};

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Nova Micro at flex (which it does not offer), then at default, in us-east-1. */
const NOVA_FLEX_THEN_DEFAULT: BedrockHAConfig['chains'] = {
  nova: {
    endpoints: [
      { region: 'us-east-1', modelId: NOVA, serviceTier: 'flex' },
      { region: 'us-east-1', modelId: NOVA, serviceTier: 'default' },
    ],
  },
};

/** A simulator with the {@link TIERS} scenario, and an engine on it serving `chains`. */
async function tiered(
  chains: BedrockHAConfig['chains'],
  config: Partial<BedrockHAConfig> = {},
  options?: BedrockHAOptions,
) {
  const sim = await simulator(TIERS);
  return { sim, ha: engine(sim, { ...config, chains }, options) };
}

const ask = { messages: userMessage(TOKYO_PROMPT) };
const NOVA_BODY = JSON.stringify({ messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }] });
const ANTHROPIC_BODY = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 50,
  messages: [{ role: 'user', content: TOKYO_PROMPT }],
});

describe('service tiers', () => {
  it('sends each endpoint’s tier as Converse’s serviceTier and reports the tier that served', async () => {
    const { sim, ha } = await tiered({
      haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU, serviceTier: 'flex' }] },
    });
    const result = await ha.converse('haiku', ask);
    expect(result.servedBy).toEqual({
      endpointId: `us-east-1/${HAIKU}@flex`,
      region: 'us-east-1',
      kind: 'on-demand',
      modelId: HAIKU,
      serviceTier: 'flex',
    });
    expect(result.attempts[0]?.endpoint.serviceTier).toBe('flex');
    expect(result.serviceTier).toEqual({ type: 'flex' });
    expect(sim.requests().at(-1)?.serviceTier).toBe('flex');
  });

  it('keeps the caller’s own serviceTier when the endpoint sets none', async () => {
    const { ha } = await tiered({ haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } });
    const result = await ha.converse('haiku', { ...ask, serviceTier: { type: 'priority' } });
    expect(result.serviceTier).toEqual({ type: 'priority' });
    expect(result.servedBy.serviceTier).toBeUndefined();
  });

  it('fails over from a tier the model does not offer, as an endpoint error, to the same model at another tier', async () => {
    const { ha } = await tiered(NOVA_FLEX_THEN_DEFAULT);
    const events = recordEvents(ha);
    const result = await ha.converse('nova', ask);
    expect(attemptRows(result.attempts)).toEqual([
      [`us-east-1/${NOVA}@flex`, 'failure', 'unsupported-tier'],
      [`us-east-1/${NOVA}@default`, 'success', undefined],
    ]);
    expect(result.attempts[0]?.errorClass).toBe('endpoint');
    expect(result.servedBy.serviceTier).toBe('default');
    expect(events.retries).toEqual([]);
    expect(events.hops()).toEqual([
      [`us-east-1/${NOVA}@flex`, `us-east-1/${NOVA}@default`, 'unsupported-tier'],
    ]);
  });

  it('opens the breaker of an endpoint whose own tier is refused, but not for a tier the caller chose', async () => {
    const breaker = {
      mode: 'consecutive' as const,
      failures: 1,
      halfOpenAfterMs: 60_000,
      maxHalfOpenAfterMs: 60_000,
    };
    const { ha } = await tiered(
      {
        own: {
          endpoints: [
            { id: 'nova-flex', region: 'us-east-1', modelId: NOVA, serviceTier: 'flex' },
            { id: 'haiku', region: 'us-east-1', modelId: HAIKU },
          ],
        },
        caller: {
          endpoints: [
            { id: 'nova', region: 'us-west-2', modelId: NOVA },
            { id: 'haiku-west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
      { policy: { breaker } },
    );
    const own = [await ha.converse('own', ask), await ha.converse('own', ask)];
    expect(own.map((result) => attemptRows(result.attempts)[0])).toEqual([
      ['nova-flex', 'failure', 'unsupported-tier'],
      ['nova-flex', 'skipped', 'circuit-open'],
    ]);
    const flex = { ...ask, serviceTier: { type: 'flex' as const } };
    const chosen = [await ha.converse('caller', flex), await ha.converse('caller', flex)];
    expect(chosen.map((result) => attemptRows(result.attempts))).toEqual([
      [
        ['nova', 'failure', 'unsupported-tier'],
        ['haiku-west', 'success', undefined],
      ],
      [
        ['nova', 'failure', 'unsupported-tier'],
        ['haiku-west', 'success', undefined],
      ],
    ]);
    expect(chosen[1]?.serviceTier).toEqual({ type: 'flex' });
    expect(ha.health().find((health) => health.endpointId === 'nova')?.breaker).toBe('closed');
  });

  it('fails over from the reserved tier where there is no reservation ("Reservation not found.")', async () => {
    const { ha } = await tiered({
      haiku: {
        endpoints: [
          { id: 'west-reserved', region: 'us-west-2', modelId: HAIKU, serviceTier: 'reserved' },
          { id: 'east-reserved', region: 'us-east-1', modelId: HAIKU, serviceTier: 'reserved' },
        ],
      },
    });
    const result = await ha.converse('haiku', ask);
    expect(attemptRows(result.attempts)).toEqual([
      ['west-reserved', 'failure', 'unsupported-tier'],
      ['east-reserved', 'success', undefined],
    ]);
    expect(result.attempts[0]?.errorMessage).toBe('Reservation not found.');
    expect(result.serviceTier).toEqual({ type: 'reserved' });
  });

  it('sends the tier as InvokeModel’s header, and fails over from an unsupported one', async () => {
    const { ha } = await tiered({
      nova: {
        endpoints: [
          { region: 'us-east-1', modelId: NOVA, serviceTier: 'priority' },
          { region: 'us-west-2', modelId: NOVA, serviceTier: 'default' },
        ],
      },
      haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU, serviceTier: 'priority' }] },
    });
    const nova = await ha.invokeModel('nova', { body: NOVA_BODY, contentType: 'application/json' });
    expect(attemptRows(nova.attempts).map((row) => row[2])).toEqual(['unsupported-tier', undefined]);
    expect(nova.serviceTier).toBe('default');
    const haiku = await ha.invokeModel('haiku', { body: ANTHROPIC_BODY, contentType: 'application/json' });
    expect(haiku.serviceTier).toBe('priority');
    expect(haiku.servedBy.serviceTier).toBe('priority');
  });

  it('fails a stream over from an unsupported tier before its first content', async () => {
    const { ha } = await tiered({
      nova: {
        endpoints: [
          { region: 'us-east-1', modelId: NOVA, serviceTier: 'flex' },
          { region: 'us-east-1', modelId: NOVA },
        ],
      },
    });
    const result = await ha.converseStream('nova', ask);
    expect(await streamText(result.stream)).toContain('Tokyo');
    expect(attemptRows(result.attempts).map((row) => row[2])).toEqual(['unsupported-tier', undefined]);
    expect(result.servedBy.endpointId).toBe(`us-east-1/${NOVA}`);
  });

  it('records the tier on attempt and request spans and on attempt metrics as bedrock_ha.service_tier', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const { ha } = await tiered(NOVA_FLEX_THEN_DEFAULT, {}, { telemetry: { tracerProvider, meterProvider } });
    await ha.converse('nova', ask);
    const tiers = exporter
      .getFinishedSpans()
      .map((span) => [
        span.attributes['bedrock_ha.failure.reason'],
        span.attributes['bedrock_ha.service_tier'],
      ]);
    // Two attempt spans, then the request span with the endpoint that served.
    expect(tiers).toEqual([
      ['unsupported-tier', 'flex'],
      [undefined, 'default'],
      [undefined, 'default'],
    ]);
    const { resourceMetrics } = await reader.collect();
    const attempts = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'bedrock_ha.attempts');
    const points = attempts?.dataPoints.map((point) => [
      point.attributes['bedrock_ha.service_tier'],
      point.attributes['bedrock_ha.attempt.outcome'],
      point.value,
    ]);
    expect(points).toEqual([
      ['flex', 'failure', 1],
      ['default', 'success', 1],
    ]);
  });
});
