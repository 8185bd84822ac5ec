import type { BedrockHA, BreakerState, EndpointHealth } from '@bedrock-ha/core';
import type { Attributes, Meter, ObservableCallback } from '@opentelemetry/api';

const STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];

/** The names of the gauges read from `health()` at each collection. */
export const HEALTH_GAUGES = {
  breaker: 'bedrock_ha.endpoint.breaker',
  active: 'bedrock_ha.endpoint.active',
  queued: 'bedrock_ha.endpoint.queued',
  minuteRequests: 'bedrock_ha.endpoint.minute.requests',
  minuteTokens: 'bedrock_ha.endpoint.minute.tokens',
  minuteCacheReadTokens: 'bedrock_ha.endpoint.minute.cache_read_tokens',
  minuteCacheWriteTokens: 'bedrock_ha.endpoint.minute.cache_write_tokens',
} as const;

type Reading = (endpoint: EndpointHealth, attributes: Attributes) => [number, Attributes][];

const GAUGES: readonly [name: string, description: string, read: Reading][] = [
  [
    HEALTH_GAUGES.breaker,
    'Circuit breaker state per endpoint: 1 for the current state, 0 for the others',
    (endpoint, attributes) =>
      STATES.map((state) => [
        endpoint.breaker === state ? 1 : 0,
        { ...attributes, 'bedrock_ha.breaker.state': state },
      ]),
  ],
  [HEALTH_GAUGES.active, 'Calls running now on the endpoint', (endpoint, at) => [[endpoint.active, at]]],
  [
    HEALTH_GAUGES.queued,
    'Calls waiting for a bulkhead slot on the endpoint',
    (endpoint, at) => [[endpoint.queued, at]],
  ],
  [
    HEALTH_GAUGES.minuteRequests,
    'Requests the endpoint served in the current minute (capacity use)',
    (endpoint, at) => [[endpoint.usage.requests, at]],
  ],
  [
    HEALTH_GAUGES.minuteTokens,
    'Input plus output tokens the endpoint served in the current minute (capacity use)',
    (endpoint, at) => [[endpoint.usage.tokens, at]],
  ],
  [
    HEALTH_GAUGES.minuteCacheReadTokens,
    'Input tokens the endpoint read from its prompt cache in the current minute (besides minute.tokens)',
    (endpoint, at) => [[endpoint.usage.cacheReadTokens, at]],
  ],
  [
    HEALTH_GAUGES.minuteCacheWriteTokens,
    'Input tokens the endpoint wrote to its prompt cache in the current minute (besides minute.tokens)',
    (endpoint, at) => [[endpoint.usage.cacheWriteTokens, at]],
  ],
];

/**
 * Observable gauges over `ha.health()`, read at each collection (a scrape): every configured
 * endpoint's breaker (one series per state, 1 for the current one, so a dashboard can chart each),
 * calls running and queued, and its capacity use (requests and tokens served in the current minute,
 * and prompt-cache reads and writes, fleet-wide with a shared state store). Unlike the engine's own breaker gauge, endpoints not
 * called yet appear too. Returns the function that removes the callbacks.
 */
export function registerHealthGauges(meter: Meter, ha: BedrockHA): () => void {
  const removals = GAUGES.map(([name, description, read]) => {
    const gauge = meter.createObservableGauge(name, { description });
    const callback: ObservableCallback = (result) => {
      for (const endpoint of ha.health()) {
        const attributes: Attributes = {
          'bedrock_ha.endpoint.id': endpoint.endpointId,
          'bedrock_ha.endpoint.kind': endpoint.kind,
          'cloud.region': endpoint.region,
        };
        for (const [value, labels] of read(endpoint, attributes)) result.observe(value, labels);
      }
    };
    gauge.addCallback(callback);
    return () => gauge.removeCallback(callback);
  });
  return () => {
    for (const remove of removals) remove();
  };
}
