import {
  type BedrockHA,
  type BedrockHAConfig,
  type BedrockHAOptions,
  ConfigError,
  readPrecompiledConfig,
} from '@bedrock-ha/core';
import {
  type ConfigFormat,
  createBedrockHA,
  loadYamlSupport,
  parseConfigText,
  readConfigFile,
} from '@bedrock-ha/core/validation';
import { withStateUrl } from '@bedrock-ha/http';
import { engineWithPendingState, engineWithState } from './engine-state.js';

/** Where a handler gets its engine. Without any of these, the environment is read. */
export interface EngineSource {
  /** An engine to share between handlers of one function (it is not destroyed by them). */
  readonly engine?: BedrockHA;
  /** The configuration itself. */
  readonly config?: BedrockHAConfig;
  /** A `.json`, `.yaml` or `.yml` configuration file, e.g. one bundled next to the handler. */
  readonly configPath?: string;
  /** Options for `createBedrockHA` (client factory, telemetry providers...). */
  readonly engineOptions?: BedrockHAOptions;
  /** Variables for `BEDROCK_HA_CONFIG*` and `${NAME}` references. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Creates the engine once per execution environment: call it at module scope, outside the handler,
 * so SDK clients, connections and circuit breakers live across invocations.
 *
 * The configuration comes from, in order: `engine`, `config`, `configPath`, the
 * `BEDROCK_HA_CONFIG_JSON` variable (the configuration as JSON), the `BEDROCK_HA_CONFIG` variable
 * (a file path). It is read synchronously so that a bad configuration fails the function's init
 * with every problem listed, before any request. A bundled handler with a YAML file uses
 * {@link loadLambdaEngine}, which loads YAML support first.
 * @throws ConfigError when no configuration is given or it is invalid.
 */
export function createLambdaEngine(source: EngineSource = {}): BedrockHA {
  if (source.engine) return source.engine;
  return engineWithPendingState(lambdaConfig(source), source.engineOptions, createBedrockHA);
}

/**
 * What `loadLambdaEngine` does for a configuration that is not precompiled (or has references to
 * fill in): loads YAML support for a YAML file, validates, and waits for a Redis state store.
 * Loaded by `loadLambdaEngine` only then, with zod and the configuration schema.
 */
export async function openLambdaEngine(source: EngineSource): Promise<BedrockHA> {
  const env = source.env ?? process.env;
  const path =
    source.engine || source.config
      ? undefined
      : (source.configPath ?? (env.BEDROCK_HA_CONFIG_JSON ? undefined : env.BEDROCK_HA_CONFIG));
  if (path && /\.ya?ml$/i.test(path)) await loadYamlSupport();
  if (source.engine) return source.engine;
  return engineWithState(lambdaConfig(source), source.engineOptions, createBedrockHA);
}

/**
 * The configuration `createLambdaEngine` would use (see there for the order), with
 * `BEDROCK_HA_STATE_URL` (a Redis URL) putting its state in that Redis.
 */
export function lambdaConfig(source: EngineSource = {}): BedrockHAConfig {
  const env = source.env ?? process.env;
  return withStateUrl(configOf(source, env), env.BEDROCK_HA_STATE_URL);
}

function configOf(source: EngineSource, env: Readonly<Record<string, string | undefined>>): BedrockHAConfig {
  if (source.config) return source.config;
  if (source.configPath) return loadConfigFile(source.configPath, env);
  const inline = env.BEDROCK_HA_CONFIG_JSON;
  if (inline) return configFromText(inline, 'json', env, 'BEDROCK_HA_CONFIG_JSON');
  const path = env.BEDROCK_HA_CONFIG;
  if (path) return loadConfigFile(path, env);
  throw new ConfigError([
    {
      path: '',
      message: 'no configuration was given to the Lambda handler',
      fix: 'set BEDROCK_HA_CONFIG to a config file path (e.g. a bundled bedrock-ha.json), or BEDROCK_HA_CONFIG_JSON to the configuration as JSON',
    },
  ]);
}

function loadConfigFile(path: string, env: Readonly<Record<string, string | undefined>>): BedrockHAConfig {
  let file: ReturnType<typeof readConfigFile>;
  try {
    file = readConfigFile(path);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(
      error.issues.map((issue) => ({
        ...issue,
        fix:
          issue.fix ??
          'bundle the file with the function and point BEDROCK_HA_CONFIG at it (relative paths start from the task root)',
      })),
      path,
    );
  }
  return configFromText(file.text, file.format, env, path);
}

// A precompiled file (`precompileConfig`) holds the configuration as written: this path loads
// the schema anyway, so it validates it again.
function configFromText(
  text: string,
  format: ConfigFormat,
  env: Readonly<Record<string, string | undefined>>,
  source: string,
): BedrockHAConfig {
  const precompiled = format === 'json' ? readPrecompiledConfig(text, { env, source }) : undefined;
  if (precompiled === undefined) return parseConfigText(text, format, { env, source });
  if (precompiled.validated) return precompiled.config;
  return parseConfigText(precompiled.text, 'json', { env, source });
}
