import { readFileSync } from 'node:fs';
import { context, type Meter, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MetricReader, MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { type Endpoint, endpointRef } from '../chain/endpoint.js';
import { DEFAULT_POLICY } from '../config/defaults.js';
import { AllEndpointsFailedError } from '../errors/all-endpoints-failed-error.js';
import type { Attempt } from '../errors/attempt.js';
import { EventHub } from './events.js';
import type { Instrumentation, RequestStart } from './instrumentation.js';
import { createTelemetry, TELEMETRY_VERSION, type TelemetryOptions } from './otel-telemetry.js';

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const provisioned: Endpoint = {
  id: 'pt-east',
  kind: 'provisioned',
  region: 'us-east-1',
  modelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123',
  weight: 1,
  policy: DEFAULT_POLICY,
  client: { credentials: { accessKeyId: 'AKIDSECRETKEY', secretAccessKey: 'hunter2-secret' } },
};
const onDemand: Endpoint = {
  id: 'od-west',
  kind: 'on-demand',
  region: 'us-west-2',
  modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  weight: 1,
  policy: DEFAULT_POLICY,
  client: { endpoint: 'http://user:hunter2-secret@127.0.0.1:4566' },
};

const input = {
  messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
  system: [{ text: 'Be brief.' }],
  inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
};
const start: RequestStart = { chain: 'claude', operation: 'Converse', input };

const throttle = Object.assign(new Error('Too many requests'), { name: 'ThrottlingException' });
const throttled: Attempt = {
  endpoint: endpointRef(provisioned),
  attempt: 1,
  outcome: 'failure',
  errorClass: 'transient',
  reason: 'throttled',
  errorName: 'ThrottlingException',
  errorMessage: 'Too many requests',
  durationMs: 12,
};
const served: Attempt = { endpoint: endpointRef(onDemand), attempt: 1, outcome: 'success', durationMs: 340 };
const usage = { inputTokens: 12, outputTokens: 34 };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(options: Partial<TelemetryOptions> = {}, processors: SpanProcessor[] = []) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter }), ...processors],
  });
  const reader = new TestReader();
  const meterProvider = new SdkMeterProvider({ readers: [reader] });
  const hub = new EventHub();
  const telemetry = createTelemetry({ tracerProvider, meterProvider, events: hub.api, ...options });
  cleanups.push(
    () => telemetry.dispose(),
    () => meterProvider.shutdown(),
    () => tracerProvider.shutdown(),
  );
  const span = (name: string) => exporter.getFinishedSpans().find((finished) => finished.name === name);
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    return (name: string) =>
      (metrics.find((metric) => metric.descriptor.name === name)?.dataPoints ?? []) as {
        attributes: Record<string, unknown>;
        value: unknown;
      }[];
  };
  return { exporter, hub, telemetry, span, collect };
}

/** A throttled provisioned attempt, then a successful on-demand one, the way the engine reports them. */
function failOver(instrumentation: Instrumentation, outputText = 'Hi there') {
  const scope = instrumentation.request(start);
  const first = scope.attempt(provisioned, 1);
  expect(() =>
    first.run(() => {
      throw throttle;
    }),
  ).toThrow(throttle);
  first.end({ attempt: throttled, error: throttle, breakerState: 'closed' });
  const second = scope.attempt(onDemand, 1);
  expect(second.run(() => 'answer')).toBe('answer');
  second.end({ attempt: served, usage, finishReasons: ['end_turn'], breakerState: 'closed' });
  scope.end({
    outcome: 'success',
    servedBy: endpointRef(onDemand),
    attempts: [throttled, served],
    usage,
    finishReasons: ['end_turn'],
    outputText,
  });
}

function allAttributeText(spans: ReadableSpan[]): string {
  return JSON.stringify(spans.map((span) => span.attributes));
}

describe('createTelemetry spans', () => {
  it('reports the package version as the instrumentation scope version', () => {
    const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    // After `changeset version`, update TELEMETRY_VERSION in otel-telemetry.ts to the new version.
    expect(TELEMETRY_VERSION).toBe(packageJson.version);
  });

  it('records a failover as a request span with a throttled and a successful attempt span under it', () => {
    const { span, exporter, telemetry } = setup();
    failOver(telemetry);

    const request = span('chat claude')!;
    const first = span(`chat ${provisioned.modelId}`)!;
    const second = span(`chat ${onDemand.modelId}`)!;
    expect(exporter.getFinishedSpans()).toHaveLength(3);
    expect(request.instrumentationScope).toMatchObject({
      name: '@bedrock-ha/core',
      version: TELEMETRY_VERSION,
    });
    expect(request.kind).toBe(SpanKind.INTERNAL);
    expect(request.parentSpanContext).toBeUndefined();
    for (const attempt of [first, second]) {
      expect(attempt.kind).toBe(SpanKind.CLIENT);
      expect(attempt.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(attempt.spanContext().traceId).toBe(request.spanContext().traceId);
    }

    const requestParameters = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'aws.bedrock',
      'gen_ai.provider.name': 'aws.bedrock',
      'bedrock_ha.operation': 'Converse',
      'bedrock_ha.chain': 'claude',
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END'],
    };
    expect(request.attributes).toEqual({
      ...requestParameters,
      'gen_ai.request.model': 'claude',
      'gen_ai.response.model': onDemand.modelId,
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 34,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'bedrock_ha.endpoint.id': 'od-west',
      'bedrock_ha.endpoint.kind': 'on-demand',
      'cloud.region': 'us-west-2',
      'bedrock_ha.attempts': 2,
      'bedrock_ha.failovers': 1,
    });
    expect(request.status.code).toBe(SpanStatusCode.UNSET);

    expect(first.attributes).toEqual({
      ...requestParameters,
      'gen_ai.request.model': provisioned.modelId,
      'bedrock_ha.endpoint.id': 'pt-east',
      'bedrock_ha.endpoint.kind': 'provisioned',
      'cloud.region': 'us-east-1',
      'server.address': 'bedrock-runtime.us-east-1.amazonaws.com',
      'bedrock_ha.attempt': 1,
      'bedrock_ha.attempt.outcome': 'failure',
      'bedrock_ha.failure.reason': 'throttled',
      'bedrock_ha.error.class': 'transient',
      'bedrock_ha.breaker.state': 'closed',
      'error.type': 'ThrottlingException',
    });
    expect(first.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Too many requests' });
    expect(first.events.map((event) => [event.name, event.attributes?.['exception.type']])).toEqual([
      ['exception', 'ThrottlingException'],
    ]);

    expect(second.attributes).toMatchObject({
      'gen_ai.request.model': onDemand.modelId,
      'gen_ai.response.model': onDemand.modelId,
      'server.address': '127.0.0.1',
      'server.port': 4566,
      'bedrock_ha.attempt.outcome': 'success',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 34,
      'gen_ai.response.finish_reasons': ['end_turn'],
    });
    expect(second.attributes).not.toHaveProperty('error.type');
    expect(second.status.code).toBe(SpanStatusCode.UNSET);
    expect(allAttributeText(exporter.getFinishedSpans())).not.toMatch(/hunter2|AKIDSECRETKEY/);
  });

  it('marks the request span failed with the exception when every endpoint fails', () => {
    const { span, telemetry } = setup();
    const scope = telemetry.request(start);
    const attempt = scope.attempt(provisioned, 1);
    attempt.end({ attempt: throttled, error: throttle, breakerState: 'open' });
    const error = new AllEndpointsFailedError('claude', [throttled], throttle);
    scope.end({ outcome: 'failure', error, attempts: [throttled] });

    const request = span('chat claude')!;
    expect(request.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(request.attributes).toMatchObject({
      'error.type': 'AllEndpointsFailedError',
      'bedrock_ha.attempts': 1,
      'bedrock_ha.failovers': 0,
    });
    expect(request.attributes).not.toHaveProperty('gen_ai.response.model');
    expect(request.events[0]?.attributes).toMatchObject({
      'exception.type': 'AllEndpointsFailedError',
      'exception.message': error.message,
    });
    expect(span(`chat ${provisioned.modelId}`)!.attributes['bedrock_ha.breaker.state']).toBe('open');
  });

  it('ends a skipped attempt at once, with its reason and without an error status', () => {
    const { span, telemetry } = setup();
    const scope = telemetry.request(start);
    const skipped: Attempt = {
      endpoint: endpointRef(provisioned),
      attempt: 1,
      outcome: 'skipped',
      reason: 'circuit-open',
      durationMs: 0,
    };
    scope.attempt(provisioned, 1).end({ attempt: skipped, breakerState: 'open' });
    const attempt = span(`chat ${provisioned.modelId}`)!;
    expect(attempt.attributes).toMatchObject({
      'bedrock_ha.attempt.outcome': 'skipped',
      'bedrock_ha.failure.reason': 'circuit-open',
    });
    expect(attempt.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempt.events).toEqual([]);
  });

  it('makes the attempt span active inside run(), so SDK instrumentation nests under it', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    cleanups.push(() => context.disable());
    const { span, telemetry } = setup();
    const scope = telemetry.request(start);
    const attempt = scope.attempt(onDemand, 1);
    const active = attempt.run(() => trace.getActiveSpan()?.spanContext().spanId);
    attempt.end({ attempt: served, breakerState: 'closed' });
    scope.end({ outcome: 'success', servedBy: endpointRef(onDemand), attempts: [served] });
    expect(active).toBe(span(`chat ${onDemand.modelId}`)!.spanContext().spanId);
  });

  it('records no prompt or answer unless content capture is on', () => {
    const { exporter, telemetry } = setup();
    failOver(telemetry);
    const text = allAttributeText(exporter.getFinishedSpans());
    expect(text).not.toContain('gen_ai.input.messages');
    expect(text).not.toContain('gen_ai.output.messages');
    expect(text).not.toMatch(/Hello|Be brief|Hi there/);
  });

  it('records the prompt and the answer on the request span when content capture is on', () => {
    const { span, telemetry } = setup({ captureContent: true });
    failOver(telemetry);
    const request = span('chat claude')!;
    expect(JSON.parse(request.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
    ]);
    expect(JSON.parse(request.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi there' }], finish_reason: 'end_turn' },
    ]);
    expect(span(`chat ${onDemand.modelId}`)!.attributes).not.toHaveProperty('gen_ai.input.messages');
  });

  it('captures an InvokeModel body without copying image bytes', () => {
    const { span, telemetry } = setup({ captureContent: true });
    const body = new TextEncoder().encode(
      JSON.stringify({
        system: 'Be brief.',
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANS' },
              },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      }),
    );
    telemetry
      .request({ chain: 'claude', operation: 'InvokeModel', input: { body } })
      .end({ outcome: 'failure', error: throttle, attempts: [] });
    const messages = span('chat claude')!.attributes['gen_ai.input.messages'] as string;
    expect(JSON.parse(messages)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'image' }, { type: 'text', content: 'What is this?' }] },
    ]);
  });
});

describe('createTelemetry metrics', () => {
  it('records duration, tokens by type and attempts by outcome', async () => {
    const { telemetry, collect } = setup();
    failOver(telemetry);
    const error = new AllEndpointsFailedError('claude', [throttled], throttle);
    telemetry.request(start).end({ outcome: 'failure', error, attempts: [throttled] });
    const points = await collect();

    const durations = points('gen_ai.client.operation.duration') as {
      attributes: Record<string, unknown>;
      value: { count: number; buckets: { boundaries: number[] } };
    }[];
    expect(durations.map((point) => [point.attributes, point.value.count])).toEqual([
      [
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'aws.bedrock',
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.request.model': 'claude',
          'gen_ai.response.model': onDemand.modelId,
          'bedrock_ha.chain': 'claude',
        },
        1,
      ],
      [
        expect.objectContaining({
          'error.type': 'AllEndpointsFailedError',
          'gen_ai.request.model': 'claude',
        }),
        1,
      ],
    ]);
    expect(durations[0]?.value.buckets.boundaries).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);

    const tokens = points('gen_ai.client.token.usage') as {
      attributes: Record<string, unknown>;
      value: { sum: number; buckets: { boundaries: number[] } };
    }[];
    expect(tokens.map((point) => [point.attributes['gen_ai.token.type'], point.value.sum])).toEqual([
      ['input', 12],
      ['output', 34],
    ]);
    expect(tokens[0]?.value.buckets.boundaries).toHaveLength(14);

    expect(points('bedrock_ha.attempts').map((point) => [point.attributes, point.value])).toEqual([
      [
        {
          'bedrock_ha.chain': 'claude',
          'bedrock_ha.endpoint.id': 'pt-east',
          'bedrock_ha.endpoint.kind': 'provisioned',
          'cloud.region': 'us-east-1',
          'bedrock_ha.attempt.outcome': 'failure',
          'bedrock_ha.failure.reason': 'throttled',
        },
        1,
      ],
      [
        {
          'bedrock_ha.chain': 'claude',
          'bedrock_ha.endpoint.id': 'od-west',
          'bedrock_ha.endpoint.kind': 'on-demand',
          'cloud.region': 'us-west-2',
          'bedrock_ha.attempt.outcome': 'success',
        },
        1,
      ],
    ]);
  });

  it('records prompt-cache reads and writes as the cache_read and cache_creation token types', async () => {
    const { telemetry, collect } = setup();
    const scope = telemetry.request(start);
    scope.attempt(onDemand, 1).end({ attempt: served, breakerState: 'closed' });
    scope.end({
      outcome: 'success',
      servedBy: endpointRef(onDemand),
      attempts: [served],
      usage: { inputTokens: 5, outputTokens: 7, cacheReadInputTokens: 1200, cacheWriteInputTokens: 300 },
    });
    const tokens = (await collect())('gen_ai.client.token.usage') as {
      attributes: Record<string, unknown>;
      value: { sum: number };
    }[];
    expect(tokens.map((point) => [point.attributes['gen_ai.token.type'], point.value.sum])).toEqual([
      ['input', 5],
      ['output', 7],
      ['cache_read', 1200],
      ['cache_creation', 300],
    ]);
  });

  it('counts failovers and breaker transitions from the engine events, and gauges breaker state', async () => {
    const { telemetry, hub, collect } = setup();
    failOver(telemetry);
    hub.failover.emit({
      chain: 'claude',
      from: endpointRef(provisioned),
      to: endpointRef(onDemand),
      reason: 'throttled',
      resumed: false,
    });
    hub.failover.emit({
      chain: 'claude',
      from: endpointRef(onDemand),
      to: undefined,
      reason: 'network',
      resumed: true,
    });
    hub.breakerStateChange.emit({ endpoint: endpointRef(provisioned), state: 'open' });
    const points = await collect();

    expect(points('bedrock_ha.failovers').map((point) => [point.attributes, point.value])).toEqual([
      [
        {
          'bedrock_ha.chain': 'claude',
          'bedrock_ha.failover.from': 'pt-east',
          'bedrock_ha.failover.to': 'od-west',
          'bedrock_ha.failure.reason': 'throttled',
          'bedrock_ha.failover.resumed': false,
        },
        1,
      ],
      [
        {
          'bedrock_ha.chain': 'claude',
          'bedrock_ha.failover.from': 'od-west',
          'bedrock_ha.failover.to': 'none',
          'bedrock_ha.failure.reason': 'network',
          'bedrock_ha.failover.resumed': true,
        },
        1,
      ],
    ]);
    expect(points('bedrock_ha.breaker.state').map((point) => [point.attributes, point.value])).toEqual([
      [
        {
          'bedrock_ha.endpoint.id': 'pt-east',
          'bedrock_ha.endpoint.kind': 'provisioned',
          'cloud.region': 'us-east-1',
        },
        2,
      ],
      [
        {
          'bedrock_ha.endpoint.id': 'od-west',
          'bedrock_ha.endpoint.kind': 'on-demand',
          'cloud.region': 'us-west-2',
        },
        0,
      ],
    ]);
    expect(points('bedrock_ha.breaker.transitions').map((point) => [point.attributes, point.value])).toEqual([
      [
        {
          'bedrock_ha.endpoint.id': 'pt-east',
          'bedrock_ha.endpoint.kind': 'provisioned',
          'cloud.region': 'us-east-1',
          'bedrock_ha.breaker.state': 'open',
        },
        1,
      ],
    ]);
  });

  it('stops counting failovers and gauging breakers after dispose()', async () => {
    const { telemetry, hub, collect } = setup();
    const failover = {
      chain: 'claude',
      from: endpointRef(provisioned),
      to: undefined,
      reason: 'throttled',
      resumed: false,
    } as const;
    hub.failover.emit(failover);
    hub.breakerStateChange.emit({ endpoint: endpointRef(provisioned), state: 'half-open' });
    expect((await collect())('bedrock_ha.breaker.state').map((point) => point.value)).toEqual([1]);

    telemetry.dispose();
    hub.failover.emit(failover);
    hub.breakerStateChange.emit({ endpoint: endpointRef(provisioned), state: 'open' });
    const points = await collect();
    expect(points('bedrock_ha.failovers').map((point) => point.value)).toEqual([1]);
    expect(points('bedrock_ha.breaker.transitions').map((point) => point.value)).toEqual([1]);
    // Cumulative storage repeats the last observed value; the listener no longer moves it to open.
    expect(points('bedrock_ha.breaker.state').map((point) => point.value)).toEqual([1]);
  });
});

describe('createTelemetry safety', () => {
  const boom = () => {
    throw new Error('telemetry is broken');
  };

  it('keeps results and errors intact when a span processor throws', () => {
    const throwsOnEnd: SpanProcessor = {
      onStart: () => {},
      onEnd: boom,
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const { exporter, telemetry } = setup({ captureContent: true }, [throwsOnEnd]);
    failOver(telemetry);
    expect(exporter.getFinishedSpans()).toHaveLength(3);

    // A processor that throws in onStart makes the SDK lose the span; the request must not notice.
    const throwsOnStart: SpanProcessor = { ...throwsOnEnd, onStart: boom };
    failOver(setup({ captureContent: true }, [throwsOnStart]).telemetry);
  });

  it('keeps working when the providers, the meter or its instruments throw', () => {
    const instrument = { record: boom, add: boom, addCallback: boom, removeCallback: boom };
    const brokenMeter = new Proxy({}, { get: () => () => instrument }) as Meter;
    const hub = new EventHub();
    for (const options of [
      { tracerProvider: { getTracer: boom }, meterProvider: { getMeter: boom } },
      {
        tracerProvider: { getTracer: () => ({ startSpan: boom, startActiveSpan: boom }) },
        meterProvider: { getMeter: () => brokenMeter },
      },
      { meterProvider: { getMeter: () => new Proxy({}, { get: boom }) as Meter } },
    ] as Partial<TelemetryOptions>[]) {
      const telemetry = createTelemetry({ ...options, events: hub.api });
      failOver(telemetry);
      hub.failover.emit({
        chain: 'claude',
        from: endpointRef(provisioned),
        to: undefined,
        reason: 'throttled',
        resumed: false,
      });
      hub.breakerStateChange.emit({ endpoint: endpointRef(provisioned), state: 'open' });
      expect(() => telemetry.dispose()).not.toThrow();
    }
  });

  it('keeps the breaker gauge callback from throwing into a metric reader, and removes it on dispose()', () => {
    type Callback = (result: { observe: () => never }) => void;
    const registered = new Set<Callback>();
    const gauge = {
      addCallback: (callback: Callback) => registered.add(callback),
      removeCallback: (callback: Callback) => registered.delete(callback),
    };
    const counter = { add: () => {}, record: () => {} };
    const meter = new Proxy(
      {},
      { get: (_, name) => () => (name === 'createObservableGauge' ? gauge : counter) },
    );
    const hub = new EventHub();
    const telemetry = createTelemetry({ meterProvider: { getMeter: () => meter as Meter }, events: hub.api });
    hub.breakerStateChange.emit({ endpoint: endpointRef(provisioned), state: 'open' });
    expect(registered.size).toBe(1);
    for (const callback of registered) expect(() => callback({ observe: boom })).not.toThrow();
    telemetry.dispose();
    expect(registered.size).toBe(0);
  });

  it('keeps exporting requests when a metric exporter fails', async () => {
    const { PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
    const exports: string[][] = [];
    const reader = new PeriodicExportingMetricReader({
      exporter: {
        export: (batch) => {
          exports.push(batch.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.descriptor.name)));
          boom();
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new SdkMeterProvider({ readers: [reader] });
    cleanups.push(() => meterProvider.shutdown().catch(() => undefined));
    const telemetry = createTelemetry({ meterProvider, events: new EventHub().api });
    failOver(telemetry);
    await reader.forceFlush().catch(() => undefined);
    // The failed export took the first request's metrics; the next request is still recorded and offered.
    failOver(telemetry);
    await reader.forceFlush().catch(() => undefined);
    expect(exports).toHaveLength(2);
    for (const names of exports) expect(names).toContain('gen_ai.client.operation.duration');
    telemetry.dispose();
  });
});
