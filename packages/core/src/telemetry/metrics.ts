import { type Attributes, diag, type Meter, type ObservableResult, ValueType } from '@opentelemetry/api';
import type { IDisposable } from 'cockatiel';
import type { EndpointRef } from '../chain/endpoint.js';
import {
  ATTR_BEDROCK_HA_BREAKER_STATE,
  ATTR_BEDROCK_HA_CHAIN,
  ATTR_BEDROCK_HA_ENDPOINT_ID,
  ATTR_BEDROCK_HA_ENDPOINT_KIND,
  ATTR_BEDROCK_HA_FAILOVER_FROM,
  ATTR_BEDROCK_HA_FAILOVER_RESUMED,
  ATTR_BEDROCK_HA_FAILOVER_TO,
  ATTR_BEDROCK_HA_FAILURE_REASON,
  ATTR_BEDROCK_HA_SERVICE_TIER,
  ATTR_BEDROCK_HA_STATE_STORE_OPERATION,
  ATTR_BEDROCK_HA_STATE_STORE_REASON,
  ATTR_CLOUD_REGION,
  ATTR_GEN_AI_TOKEN_TYPE,
  METRIC_BEDROCK_HA_ATTEMPTS,
  METRIC_BEDROCK_HA_BREAKER_STATE,
  METRIC_BEDROCK_HA_BREAKER_TRANSITIONS,
  METRIC_BEDROCK_HA_FAILOVERS,
  METRIC_BEDROCK_HA_HEDGES,
  METRIC_BEDROCK_HA_STATE_STORE_FALLBACKS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from './attribute-names.js';
import type { BedrockHAEvents, BreakerState } from './events.js';

// The GenAI semantic conventions' recommended buckets (gen-ai-metrics.md).
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/**
 * The values of `gen_ai.token.type`: the semantic conventions' `input` and `output`, and the prompt
 * cache's reads and writes (`cache_read`, `cache_creation`, as Anthropic names them), which are
 * billed at other rates than plain input.
 */
export type TokenType = 'input' | 'output' | 'cache_read' | 'cache_creation';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Runs a call into OpenTelemetry and swallows what it throws: an SDK, exporter or processor bug must
 * never change a request's outcome.
 */
export function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch (error) {
    try {
      diag.warn('@bedrock-ha/core telemetry call failed', error);
    } catch {
      // Even the diagnostic logger may be broken; there is nowhere left to report.
    }
    return undefined;
  }
}

/** The attributes that name an endpoint on metrics and spans (its service tier, when it sets one). */
export function endpointAttributes(endpoint: EndpointRef): Attributes {
  const attributes: Attributes = {
    [ATTR_BEDROCK_HA_ENDPOINT_ID]: endpoint.endpointId,
    [ATTR_BEDROCK_HA_ENDPOINT_KIND]: endpoint.kind,
    [ATTR_CLOUD_REGION]: endpoint.region,
  };
  if (endpoint.serviceTier) attributes[ATTR_BEDROCK_HA_SERVICE_TIER] = endpoint.serviceTier;
  return attributes;
}

/** The instruments of bedrock-ha, each record already guarded. */
export interface TelemetryMetrics {
  /** `gen_ai.client.operation.duration`, in seconds, once per request. */
  operationDuration(seconds: number, attributes: Attributes): void;
  /** `gen_ai.client.token.usage`, once per token type of a request. */
  tokenUsage(tokens: number, type: TokenType, attributes: Attributes): void;
  /** `bedrock_ha.attempts`, once per attempt, skipped ones included. */
  attempt(attributes: Attributes): void;
  /** Adds an endpoint to the breaker gauge as closed unless its state is already known. */
  endpointSeen(endpoint: EndpointRef): void;
  /** Unsubscribes from the engine's events and removes the breaker gauge's callback. */
  dispose(): void;
}

/** Creates the instruments on `meter` and feeds the failover and breaker ones from `events`. */
export function createTelemetryMetrics(meter: Meter, events: BedrockHAEvents): TelemetryMetrics {
  const duration = safely(() =>
    meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  );
  const tokens = safely(() =>
    meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Measures number of input and output tokens used',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
  );
  const attempts = safely(() =>
    meter.createCounter(METRIC_BEDROCK_HA_ATTEMPTS, {
      description: 'Attempts on an endpoint, by outcome',
      unit: '{attempt}',
      valueType: ValueType.INT,
    }),
  );
  const failovers = safely(() =>
    meter.createCounter(METRIC_BEDROCK_HA_FAILOVERS, {
      description: 'Times a chain moved on from an endpoint',
      unit: '{failover}',
      valueType: ValueType.INT,
    }),
  );
  const hedges = safely(() =>
    meter.createCounter(METRIC_BEDROCK_HA_HEDGES, {
      description: 'Second calls started by hedged requests',
      unit: '{hedge}',
      valueType: ValueType.INT,
    }),
  );
  const transitions = safely(() =>
    meter.createCounter(METRIC_BEDROCK_HA_BREAKER_TRANSITIONS, {
      description: 'Circuit breaker state changes, by new state',
      unit: '{transition}',
      valueType: ValueType.INT,
    }),
  );
  const storeFallbacks = safely(() =>
    meter.createCounter(METRIC_BEDROCK_HA_STATE_STORE_FALLBACKS, {
      description: 'State-store calls answered from local state because the shared store failed or was slow',
      unit: '{call}',
      valueType: ValueType.INT,
    }),
  );
  const breakerGauge = safely(() =>
    meter.createObservableGauge(METRIC_BEDROCK_HA_BREAKER_STATE, {
      description: 'Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open',
      unit: '1',
      valueType: ValueType.INT,
    }),
  );

  const breakers = new Map<string, { endpoint: EndpointRef; state: BreakerState }>();
  const observeBreakers = (result: ObservableResult): void => {
    for (const { endpoint, state } of breakers.values())
      safely(() => result.observe(BREAKER_VALUE[state], endpointAttributes(endpoint)));
  };
  safely(() => breakerGauge?.addCallback(observeBreakers));

  const subscriptions: (IDisposable | undefined)[] = [
    safely(() =>
      events.onFailover((event) => {
        safely(() =>
          failovers?.add(1, {
            [ATTR_BEDROCK_HA_CHAIN]: event.chain,
            [ATTR_BEDROCK_HA_FAILOVER_FROM]: event.from.endpointId,
            [ATTR_BEDROCK_HA_FAILOVER_TO]: event.to?.endpointId ?? 'none',
            [ATTR_BEDROCK_HA_FAILURE_REASON]: event.reason,
            [ATTR_BEDROCK_HA_FAILOVER_RESUMED]: event.resumed,
          }),
        );
      }),
    ),
    safely(() =>
      events.onHedge((event) => {
        safely(() =>
          hedges?.add(1, {
            [ATTR_BEDROCK_HA_CHAIN]: event.chain,
            [ATTR_BEDROCK_HA_ENDPOINT_ID]: event.to.endpointId,
          }),
        );
      }),
    ),
    safely(() =>
      events.onBreakerStateChange(({ endpoint, state }) => {
        breakers.set(endpoint.endpointId, { endpoint, state });
        safely(() =>
          transitions?.add(1, { ...endpointAttributes(endpoint), [ATTR_BEDROCK_HA_BREAKER_STATE]: state }),
        );
      }),
    ),
    safely(() =>
      events.onStateStoreFallback(({ operation, reason }) => {
        safely(() =>
          storeFallbacks?.add(1, {
            [ATTR_BEDROCK_HA_STATE_STORE_OPERATION]: operation,
            [ATTR_BEDROCK_HA_STATE_STORE_REASON]: reason,
          }),
        );
      }),
    ),
  ];

  return {
    operationDuration: (seconds, attributes) => safely(() => duration?.record(seconds, attributes)),
    tokenUsage: (count, type, attributes) =>
      safely(() => tokens?.record(count, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: type })),
    attempt: (attributes) => safely(() => attempts?.add(1, attributes)),
    endpointSeen: (endpoint) => {
      if (!breakers.has(endpoint.endpointId))
        breakers.set(endpoint.endpointId, { endpoint, state: 'closed' });
    },
    dispose: () => {
      for (const subscription of subscriptions.splice(0)) safely(() => subscription?.dispose());
      safely(() => breakerGauge?.removeCallback(observeBreakers));
    },
  };
}
