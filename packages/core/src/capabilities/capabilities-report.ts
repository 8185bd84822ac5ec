import type { BedrockHAConfig } from '../config/config-schema.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { ModelCapabilities } from './model-capabilities.js';

/** One endpoint of a chain and what its model can take, as the engine will see it. */
export interface EndpointCapabilities {
  readonly chain: string;
  readonly endpointId: string;
  readonly modelId: string;
  /** bedrock-ha's table for the model with the config's `capabilities` over it; unset: unknown. */
  readonly capabilities: ModelCapabilities;
}

/**
 * Every chain's endpoints with their resolved capabilities, in configured order (for
 * `bedrock-ha config validate --capabilities`).
 * @throws ConfigError when the config is invalid.
 */
export function describeCapabilities(config: BedrockHAConfig | unknown): EndpointCapabilities[] {
  const { chains } = resolveConfig(config);
  return [...chains.values()].flatMap((chain) =>
    chain.endpoints.map((endpoint) => ({
      chain: chain.name,
      endpointId: endpoint.id,
      modelId: endpoint.modelId,
      capabilities: endpoint.capabilities ?? {},
    })),
  );
}
