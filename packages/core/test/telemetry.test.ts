import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, HAIKU, harness, streamText, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness();

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** An engine over east -> west whose spans and metrics land in memory. */
async function observed(options: { captureContent?: boolean; processors?: SpanProcessor[] } = {}) {
  const sim = await simulator();
  const exporter = new InMemorySpanExporter();
  const reader = new TestReader();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter }), ...(options.processors ?? [])],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const ha = engine(
    sim,
    {
      telemetry: { captureContent: options.captureContent ?? false },
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    },
    { telemetry: { tracerProvider, meterProvider } },
  );
  const metric = async (name: string) => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((each) => each.descriptor.name === name);
  };
  return { sim, ha, spans: () => exporter.getFinishedSpans(), metric };
}

const named = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);

describe('OpenTelemetry through the engine', () => {
  it('records a request span with one child span per attempt, after the GenAI conventions', async () => {
    const { sim, ha, spans } = await observed();
    sim.faults.add({
      match: { region: 'us-east-1' },
      when: { times: 1 },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }); // east fails once, its retry succeeds

    const [request] = named(spans(), 'chat haiku');
    const attempts = named(spans(), `chat ${HAIKU}`);
    expect(request?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'haiku',
      'gen_ai.response.model': HAIKU,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'bedrock_ha.chain': 'haiku',
      'bedrock_ha.endpoint.id': 'east',
      'cloud.region': 'us-east-1',
      'bedrock_ha.attempts': 2,
    });
    expect(attempts.map((span) => span.attributes['bedrock_ha.attempt.outcome'])).toEqual([
      'failure',
      'success',
    ]);
    expect(attempts[0]?.attributes).toMatchObject({
      'bedrock_ha.attempt': 1,
      'bedrock_ha.failure.reason': 'unavailable',
      'error.type': 'ServiceUnavailableException',
    });
    for (const attempt of attempts)
      expect(attempt.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    // Each attempt names the AWS request behind it: the error's and the answer's, as the simulator sent them.
    const requestIds = attempts.map((span) => span.attributes['aws.request.id']);
    expect(requestIds).toEqual(sim.requests().map((logged) => logged.requestId));
    expect(new Set(requestIds).size).toBe(2);
  });

  it('counts attempts by outcome, failovers, durations and tokens', async () => {
    const { sim, ha, metric } = await observed();
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'AccessDeniedException' },
    });
    await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    const attempts = (await metric('bedrock_ha.attempts'))?.dataPoints.map((point) => [
      point.attributes['bedrock_ha.endpoint.id'],
      point.attributes['bedrock_ha.attempt.outcome'],
      point.value,
    ]);
    expect(attempts).toEqual(
      expect.arrayContaining([
        ['east', 'failure', 2],
        ['west', 'success', 2],
      ]),
    );
    const failovers = (await metric('bedrock_ha.failovers'))?.dataPoints;
    expect(failovers?.[0]?.attributes).toMatchObject({
      'bedrock_ha.failover.from': 'east',
      'bedrock_ha.failover.to': 'west',
    });
    expect(failovers?.[0]?.value).toBe(2);
    const duration = (await metric('gen_ai.client.operation.duration'))?.dataPoints[0]?.value as {
      count: number;
    };
    expect(duration.count).toBe(2);
    const tokens = (await metric('gen_ai.client.token.usage'))?.dataPoints.find(
      (point) => point.attributes['gen_ai.token.type'] === 'output',
    )?.value as { sum: number };
    expect(tokens.sum).toBe(2);
  });

  it("records prompt-cache reads and writes by the endpoint that served them, in metrics and health's usage", async () => {
    const { ha, metric } = await observed();
    const system = Array.from({ length: 300 }, (_, index) => `Rule ${index}: be brief.`).join(' ');
    const input = { system: [{ text: system }, { cachePoint: { type: 'default' as const } }] };
    await ha.converse('haiku', { ...input, messages: userMessage('first') });
    const second = await ha.converse('haiku', { ...input, messages: userMessage('second') });
    const cached = second.usage?.cacheReadInputTokens ?? 0;
    expect(cached).toBeGreaterThan(1_000);

    const points = (await metric('gen_ai.client.token.usage'))?.dataPoints ?? [];
    const read = points.find((point) => point.attributes['gen_ai.token.type'] === 'cache_read');
    expect(read?.attributes['bedrock_ha.endpoint.id']).toBe('east');
    expect(read?.value).toMatchObject({ sum: cached });
    const east = ha.health().find((endpoint) => endpoint.endpointId === 'east');
    expect(east?.usage).toMatchObject({ cacheReadTokens: cached, cacheWriteTokens: cached });
  });

  it('ends a stream request span when the stream ends, with its usage', async () => {
    const { ha, spans } = await observed();
    const { stream } = await ha.converseStream('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(named(spans(), 'chat haiku')).toHaveLength(0);
    expect(await streamText(stream)).toBe('Tokyo');
    const [request] = named(spans(), 'chat haiku');
    expect(request?.attributes).toMatchObject({
      'bedrock_ha.operation': 'ConverseStream',
      'gen_ai.usage.output_tokens': 1,
    });
    const attempts = named(spans(), `chat ${HAIKU}`);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.attributes['aws.request.id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records prompts and answers only when the config opts in, and never credentials', async () => {
    const plain = await observed();
    await plain.ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    const captured = await observed({ captureContent: true });
    await captured.ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    const text = (spans: ReadableSpan[]) =>
      JSON.stringify(spans.map((span) => [span.attributes, span.events]));
    expect(text(plain.spans())).not.toContain('largest city');
    expect(text(plain.spans())).not.toContain('Tokyo');
    expect(text(captured.spans())).toContain('largest city');
    expect(text(captured.spans())).toContain('Tokyo');
    for (const spans of [plain.spans(), captured.spans()])
      expect(text(spans)).not.toContain(CREDENTIALS.secretAccessKey);
  });

  it('serves the request when a span processor throws', async () => {
    const broken: SpanProcessor = {
      onStart: () => undefined,
      onEnd: () => {
        throw new Error('exporter down');
      },
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    const { ha } = await observed({ processors: [broken] });
    const { output, servedBy } = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(servedBy.endpointId).toBe('east');
  });

  it('records metrics through an OpenTelemetry SDK registered after the engine was built', async () => {
    const sim = await simulator();
    const ha = engine(
      sim,
      { chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } } },
      { telemetry: {} },
    );
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    try {
      await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
      const { resourceMetrics } = await reader.collect();
      const names = resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.map((metric) => metric.descriptor.name),
      );
      expect(names).toContain('bedrock_ha.attempts');
    } finally {
      metrics.disable();
    }
  });
});
