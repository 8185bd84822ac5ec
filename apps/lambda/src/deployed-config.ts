import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BedrockHAConfig,
  ConfigError,
  type ConfigFormat,
  type ConfigIssue,
  parseConfigText,
  precompileConfig,
  readConfigFile,
} from '@bedrock-ha/core';

/** The configuration file's name in the deployment package (precompiled JSON, whatever the source). */
export const CONFIG_FILE_NAME = 'bedrock-ha.json';

/** Where the function's configuration comes from at synth. */
export interface ConfigSource {
  /** The configuration as an object. Prefer `configPath`, which keeps `${NAME}` references. */
  readonly config?: BedrockHAConfig;
  /** A `.json`, `.yaml` or `.yml` file, bundled as written: `${NAME}` references stay references. */
  readonly configPath?: string;
}

/** A configuration ready to bundle: the text that is deployed, and the values it resolves to at synth. */
export interface DeployedConfig {
  /** The file name inside the deployment package: `bedrock-ha.json`. */
  readonly fileName: string;
  /**
   * What the file holds: the configuration precompiled (`precompileConfig`), as written (YAML turned
   * into JSON, `${NAME}` references kept), never a resolved copy of it. The handler trusts it
   * without loading the schema when it has no references left to fill in.
   */
  readonly text: string;
  /** The configuration with references filled from the synth environment, for the IAM policy. */
  readonly resolved: BedrockHAConfig;
}

// Settings that make sense on a laptop but not in a function: the role supplies credentials and
// Bedrock is the endpoint. Static credentials in particular would be written into the package.
const REFUSED = {
  credentials: "the function's role supplies credentials; remove them and grant access through the role",
  profile: 'there are no named profiles in Lambda; remove it (the role supplies credentials)',
  endpoint:
    'a deployed function calls Bedrock itself; remove it (a VPC endpoint needs no setting: private DNS routes the default URL there)',
} as const;

/**
 * Reads the configuration to deploy, validates it (references filled from `env`: the variables the
 * function will have) and refuses client settings a function must not
 * carry. The bundled text keeps its `${NAME}` references, which the handler fills from the
 * function's environment at init, so no resolved value, secret or not, lands in the asset.
 * @throws ConfigError naming each problem and how to fix it.
 */
export function deployedConfig(
  source: ConfigSource,
  env: Readonly<Record<string, string | undefined>>,
): DeployedConfig {
  let deployed: DeployedConfig;
  if (source.configPath !== undefined && source.config !== undefined)
    throw sourceError('both `config` and `configPath` are set', 'pass only one of them');
  if (source.configPath !== undefined) deployed = readConfig(source.configPath, env);
  else if (source.config !== undefined)
    deployed = precompiled(JSON.stringify(source.config), 'json', env, undefined);
  else
    throw sourceError(
      'no configuration was given',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: names the config file's ${NAME} syntax
      'set `configPath` to your bedrock-ha.yaml (its ${NAME} references are filled in at init)',
    );
  const issues = refusedSettings(deployed.resolved);
  if (issues.length > 0) throw new ConfigError(issues, source.configPath);
  return deployed;
}

/** Writes the configuration file into the deployment package directory; returns its path there. */
export function writeDeployedConfig(directory: string, config: DeployedConfig): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, config.fileName), config.text);
  return `/var/task/${config.fileName}`;
}

function readConfig(path: string, env: Readonly<Record<string, string | undefined>>): DeployedConfig {
  const { text, format } = readConfigFile(path);
  return precompiled(text, format, env, path);
}

/** Validated once here, with the function's variables: the handler skips the schema at init. */
function precompiled(
  text: string,
  format: ConfigFormat,
  env: Readonly<Record<string, string | undefined>>,
  source: string | undefined,
): DeployedConfig {
  try {
    const resolved = parseConfigText(text, format, { env, source });
    return { fileName: CONFIG_FILE_NAME, text: precompileConfig(text, format, { env, source }), resolved };
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(error.issues.map(functionEnvironmentFix), source);
  }
}

// The references are resolved in the function, so the fix is the function's environment, not the shell's.
function functionEnvironmentFix(issue: ConfigIssue): ConfigIssue {
  const name = /environment variable (\S+), which is not set/.exec(issue.message)?.[1];
  if (name === undefined) return issue;
  return {
    ...issue,
    fix: `add ${name} to the construct's \`environment\` (the function fills the reference at init; for a secret, use a Secrets Manager dynamic reference there), or write \${${name}:-default}`,
  };
}

function refusedSettings(config: BedrockHAConfig): ConfigIssue[] {
  const clients: [string, unknown][] = [['client', config.client]];
  for (const [id, endpoint] of Object.entries(config.endpoints ?? {}))
    clients.push([`endpoints.${id}.client`, (endpoint as { client?: unknown }).client]);
  for (const [name, chain] of Object.entries(config.chains))
    chain.endpoints.forEach((endpoint, index) => {
      if (typeof endpoint === 'object')
        clients.push([`chains.${name}.endpoints.${index}.client`, endpoint.client]);
    });
  const issues: ConfigIssue[] = [];
  for (const [path, client] of clients) {
    if (typeof client !== 'object' || client === null) continue;
    for (const [key, fix] of Object.entries(REFUSED))
      if ((client as Record<string, unknown>)[key] !== undefined)
        issues.push({ path: `${path}.${key}`, message: 'is not allowed in a deployed function', fix });
  }
  return issues;
}

function sourceError(message: string, fix: string): ConfigError {
  return new ConfigError([{ path: '', message: `BedrockHAFunction: ${message}`, fix }]);
}
