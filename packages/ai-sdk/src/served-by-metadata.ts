import type { SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { Served } from '@bedrock-ha/core';

/**
 * `providerMetadata.bedrockHa`: the endpoint that served the call (`servedBy`) and every attempt
 * the chain made, skipped ones included; error messages are left out.
 */
export function servedByMetadata(served: Served): SharedV4ProviderMetadata {
  const { servedBy } = served;
  return {
    bedrockHa: {
      servedBy: {
        endpointId: servedBy.endpointId,
        region: servedBy.region,
        kind: servedBy.kind,
        modelId: servedBy.modelId,
      },
      attempts: served.attempts.map((attempt) => ({
        endpointId: attempt.endpoint.endpointId,
        attempt: attempt.attempt,
        outcome: attempt.outcome,
        ...(attempt.reason !== undefined && { reason: attempt.reason }),
        ...(attempt.errorName !== undefined && { errorName: attempt.errorName }),
        durationMs: attempt.durationMs,
      })),
    },
  };
}
