import {
  type Attributes,
  context,
  createNoopMeter,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { type AttemptParent, startAttemptSpan } from './attempt-span.js';
import {
  ATTR_BEDROCK_HA_ATTEMPTS,
  ATTR_BEDROCK_HA_CHAIN,
  ATTR_BEDROCK_HA_FAILOVERS,
  ATTR_BEDROCK_HA_OPERATION,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  GEN_AI_SYSTEM_AWS_BEDROCK,
} from './attribute-names.js';
import { inputMessages, outputMessages } from './content-capture.js';
import type { BedrockHAEvents } from './events.js';
import {
  type Instrumentation,
  NO_ATTEMPT_SCOPE,
  NO_REQUEST_SCOPE,
  type RequestEnd,
  type RequestScope,
  type RequestStart,
} from './instrumentation.js';
import {
  createTelemetryMetrics,
  endpointAttributes,
  safely,
  type TelemetryMetrics,
  type TokenType,
} from './metrics.js';
import { errorName, markFailed, requestParameters, usageAttributes } from './span-attributes.js';

/**
 * The version bedrock-ha reports as its instrumentation scope's: the package's own. A constant
 * rather than a read of package.json, so bundles (Lambda) carry it; a test keeps the two equal.
 */
export const TELEMETRY_VERSION = '0.0.0';
const SCOPE = '@bedrock-ha/core';

// `gen_ai.system` is the name older backends read; semconv 1.37 renamed it `gen_ai.provider.name`.
const GEN_AI: Attributes = {
  [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
  [ATTR_GEN_AI_SYSTEM]: GEN_AI_SYSTEM_AWS_BEDROCK,
  [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_SYSTEM_AWS_BEDROCK,
};

/** Options of {@link createTelemetry}. */
export interface TelemetryOptions {
  /** Defaults to the global tracer provider (`trace` of `@opentelemetry/api`). */
  readonly tracerProvider?: TracerProvider;
  /** Defaults to the global meter provider, read once here: register the SDK before calling. */
  readonly meterProvider?: MeterProvider;
  /** Record prompts and answers on request spans. Off by default: they may hold personal data. */
  readonly captureContent?: boolean;
  /** The engine's events, which feed the failover and circuit breaker metrics. */
  readonly events: BedrockHAEvents;
}

// What a `ProxyTracerProvider` (the global one) delegates to while no tracing SDK is registered.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * True when nothing would record a request's spans: the tracer provider is the global proxy with no
 * SDK behind it, so every span would be a non-recording copy of the caller's context. Asked per
 * request, because an SDK registered later takes over the proxy.
 */
function tracingOff(provider: TracerProvider): boolean {
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER;
}

/** OpenTelemetry instrumentation of the engine; `dispose()` unsubscribes it from the engine's events. */
export interface Telemetry extends Instrumentation {
  dispose(): void;
}

interface RequestState extends AttemptParent {
  readonly start: RequestStart;
}

/**
 * Reports the engine's requests as OpenTelemetry spans and metrics, after the GenAI semantic
 * conventions: a `chat {chain}` span per request with a `chat {modelId}` CLIENT span per attempt.
 * Every call into OpenTelemetry is guarded: a throwing SDK, processor or exporter loses telemetry,
 * never a request.
 */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const tracer: Tracer =
    safely(() => (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, TELEMETRY_VERSION)) ??
    new ProxyTracerProvider().getTracer(SCOPE);
  // The global meter is taken at the first request, not here: an app that registers its
  // OpenTelemetry SDK after building the engine still gets metrics (the metrics API has no proxy
  // provider, unlike tracing).
  let metricsRecorder: TelemetryMetrics | undefined;
  // The no-op meter (no SDK registered by the first request) records nothing: skipped.
  let metricsOff = false;
  const recorder = (): TelemetryMetrics => {
    if (metricsRecorder) return metricsRecorder;
    const meter =
      safely(() =>
        (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE, TELEMETRY_VERSION),
      ) ?? createNoopMeter();
    metricsOff = meter === createNoopMeter();
    metricsRecorder = createTelemetryMetrics(meter, options.events);
    return metricsRecorder;
  };
  if (options.meterProvider) recorder();
  const captureContent = options.captureContent === true;

  function request(start: RequestStart): RequestScope {
    const startedAt = performance.now();
    const common: Attributes = {
      ...GEN_AI,
      [ATTR_BEDROCK_HA_OPERATION]: start.operation,
      [ATTR_BEDROCK_HA_CHAIN]: start.chain,
      ...requestParameters(start.input),
    };
    const parent = safely(() => context.active()) ?? ROOT_CONTEXT;
    const span = safely(() =>
      tracer.startSpan(
        `chat ${start.chain}`,
        { kind: SpanKind.INTERNAL, attributes: { ...common, [ATTR_GEN_AI_REQUEST_MODEL]: start.chain } },
        parent,
      ),
    );
    if (captureContent && span)
      safely(() => {
        const messages = span.isRecording() ? inputMessages(start.input) : undefined;
        if (messages !== undefined) span.setAttribute(ATTR_GEN_AI_INPUT_MESSAGES, messages);
      });
    const state: RequestState = {
      start,
      chain: start.chain,
      common,
      context: (span && safely(() => trace.setSpan(parent, span))) ?? parent,
    };
    let ended = false;
    return {
      attempt: (endpoint, attempt) =>
        safely(() => startAttemptSpan(tracer, recorder(), state, endpoint, attempt)) ?? NO_ATTEMPT_SCOPE,
      end: (result) => {
        if (ended) return;
        ended = true;
        safely(() => endRequest(state, span, result, (performance.now() - startedAt) / 1000));
      },
    };
  }

  function endRequest(
    state: RequestState,
    span: Span | undefined,
    result: RequestEnd,
    seconds: number,
  ): void {
    const { chain } = state.start;
    const attributes: Attributes = {
      [ATTR_BEDROCK_HA_ATTEMPTS]: result.attempts.length,
      [ATTR_BEDROCK_HA_FAILOVERS]: Math.max(
        0,
        new Set(result.attempts.map((attempt) => attempt.endpoint.endpointId)).size - 1,
      ),
    };
    const measured: Attributes = {
      ...GEN_AI,
      [ATTR_GEN_AI_REQUEST_MODEL]: chain,
      [ATTR_BEDROCK_HA_CHAIN]: chain,
    };
    if (result.outcome === 'success') {
      const { servedBy } = result;
      Object.assign(attributes, endpointAttributes(servedBy), usageAttributes(result.usage), {
        [ATTR_GEN_AI_RESPONSE_MODEL]: servedBy.modelId,
      });
      if (result.finishReasons) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [...result.finishReasons];
      measured[ATTR_GEN_AI_RESPONSE_MODEL] = servedBy.modelId;
      if (captureContent && result.outputText !== undefined)
        safely(() => {
          attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = outputMessages(result.outputText!, result.finishReasons);
        });
    } else {
      attributes[ATTR_ERROR_TYPE] = measured[ATTR_ERROR_TYPE] = errorName(result.error);
    }
    if (span) {
      safely(() => span.setAttributes(attributes));
      if (result.outcome === 'failure') markFailed(span, result.error, undefined);
      safely(() => span.end());
    }
    recorder().operationDuration(seconds, measured);
    if (result.outcome === 'success') {
      // Tokens by the endpoint that served them: a prompt cache's hits are that endpoint's.
      const served = { ...measured, ...endpointAttributes(result.servedBy) };
      const usage = result.usage;
      const counts: [number | undefined, TokenType][] = [
        [usage?.inputTokens, 'input'],
        [usage?.outputTokens, 'output'],
        [usage?.cacheReadInputTokens, 'cache_read'],
        [usage?.cacheWriteInputTokens, 'cache_creation'],
      ];
      for (const [count, type] of counts) if (count !== undefined) recorder().tokenUsage(count, type, served);
    }
  }

  return {
    request: (start) => {
      recorder();
      // Neither spans nor metrics would record anything: the request is not instrumented at all,
      // which saves the attributes, spans and contexts it would build for nothing (issue 20).
      if (metricsOff && safely(() => tracingOff(options.tracerProvider ?? trace.getTracerProvider())))
        return NO_REQUEST_SCOPE;
      return safely(() => request(start)) ?? NO_REQUEST_SCOPE;
    },
    dispose: () => metricsRecorder?.dispose(),
  };
}
