import { ConfigError } from './config-error.js';
import { type BedrockHAConfig, configSchema } from './config-schema.js';
import { type ResolvedConfig, resolveValidConfig } from './resolve-valid-config.js';
import { zodIssues } from './zod-issues.js';

export { mergePolicies, type ResolvedConfig } from './resolve-valid-config.js';

/**
 * Validates a configuration and fills in every default: kinds and regions from model ids,
 * endpoint references, and policies merged config -> chain -> endpoint.
 * @throws ConfigError listing every problem, each with its path and a fix.
 */
export function resolveConfig(input: BedrockHAConfig | unknown, source?: string): ResolvedConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success)
    throw new ConfigError(zodIssues(parsed.error, { input, schema: configSchema }), source);
  return resolveValidConfig(parsed.data, source);
}
