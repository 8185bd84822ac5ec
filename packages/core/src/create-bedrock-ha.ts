import { bedrockHA } from './bedrock-ha.js';
import type { BedrockHA, BedrockHAOptions } from './bedrock-ha-api.js';
import type { BedrockHAConfig } from './config/config-schema.js';
import { resolveConfig } from './config/resolve-config.js';

/**
 * Builds the engine from a configuration (validated here; see `loadConfig` for files).
 * @throws ConfigError naming each problem's path, what was expected and a fix.
 * @example
 * const ha = createBedrockHA({ chains: { haiku: { endpoints: [
 *   { modelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123' },
 *   { region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
 * ] } } });
 * const { output, servedBy } = await ha.converse('haiku', { messages });
 */
export function createBedrockHA(config: BedrockHAConfig, options: BedrockHAOptions = {}): BedrockHA {
  return bedrockHA(resolveConfig(config), options);
}
