import { readFileSync } from 'node:fs';
import { type BedrockHA, createValidatedBedrockHA, readPrecompiledConfig } from '@bedrock-ha/core';
import { withStateUrl } from '@bedrock-ha/http';
import { engineWithState } from './engine-state.js';
import type { EngineSource } from './lambda-engine.js';

/**
 * Creates the engine at a bundled handler's init: await it at module scope
 * (`const engine = await loadLambdaEngine()`). It reads the configuration from the same places as
 * `createLambdaEngine`, and keeps the cold start short:
 * - a configuration precompiled at build time (`precompileConfig`, which `BedrockHAFunction`
 *   deploys) is trusted as validated then: neither zod nor the configuration schema is loaded;
 * - anything else (a plain or YAML file, `config`, a precompiled file with `${NAME}` references to
 *   fill in) is validated as `createLambdaEngine` does, the `yaml` package loading only for YAML.
 * A Redis state store (`state.store: redis`, `BEDROCK_HA_STATE_URL`) is open before it resolves.
 * @throws ConfigError when no configuration is given or it is invalid.
 */
export async function loadLambdaEngine(source: EngineSource = {}): Promise<BedrockHA> {
  if (source.engine) return source.engine;
  const env = source.env ?? process.env;
  const precompiled = source.config ? undefined : precompiledConfig(source, env);
  if (precompiled?.validated) {
    const config = withStateUrl(precompiled.config, env.BEDROCK_HA_STATE_URL);
    return engineWithState(config, source.engineOptions, createValidatedBedrockHA);
  }
  // Validation: zod and the schema load now, in a chunk of their own in a bundle.
  const { openLambdaEngine } = await import('./lambda-engine.js');
  return openLambdaEngine(source);
}

/** The precompiled configuration the source names, if it is one; any problem is left to validation. */
function precompiledConfig(source: EngineSource, env: Readonly<Record<string, string | undefined>>) {
  const inline = source.configPath === undefined ? env.BEDROCK_HA_CONFIG_JSON : undefined;
  const path = source.configPath ?? (inline ? undefined : env.BEDROCK_HA_CONFIG);
  let text = inline;
  if (path?.toLowerCase().endsWith('.json')) {
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }
  if (text === undefined) return undefined;
  try {
    return readPrecompiledConfig(text, { env, source: path ?? 'BEDROCK_HA_CONFIG_JSON' });
  } catch {
    return undefined;
  }
}
