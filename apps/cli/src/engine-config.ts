import type { BedrockHAConfig, ClientConfig } from '@bedrock-ha/core';
import { CliError, ExitCode, usageError } from './exit-code.js';
import type { GlobalOptions } from './global-options.js';
import { SIMULATOR_CREDENTIALS, useSimulatorCredentials } from './local-simulator.js';
import type { Output } from './output.js';
import { registerSecret } from './redact.js';
import { hasSeedFlags, type SeedFlags, seedConfig } from './seed-chain.js';

/** A configuration ready for `createBedrockHA`, and the chain a command uses. */
export interface EngineConfig {
  readonly config: BedrockHAConfig;
  readonly chain: string;
  /** Where it came from, for messages: the file, or "the seed flags". */
  readonly source: string;
  /** True when it signs with placeholder credentials, because it calls a local simulator. */
  readonly simulatorCredentials: boolean;
}

/**
 * The configuration a command runs: the `--config` file (or `BEDROCK_HA_CONFIG`), else one built
 * from the seed flags. The global `--endpoint-url` and `--profile` apply to every endpoint, so
 * that any configuration can be pointed at the simulator. The global `--region` is the seed's
 * primary region; a config file names its own regions, so there it only earns a warning.
 */
export async function resolveEngineConfig(
  globals: GlobalOptions,
  flags: SeedFlags & { readonly chain?: string },
  output?: Output,
): Promise<EngineConfig> {
  let config: BedrockHAConfig;
  let source: string;
  if (globals.config !== undefined) {
    if (hasSeedFlags(flags)) {
      throw usageError('--config and the seed flags (--provisioned-arn, ...) cannot be combined', 'use one');
    }
    config = await readConfig(globals.config);
    source = globals.config;
    if (globals.region !== undefined) {
      output?.warn(
        `--region ${globals.region} has no effect with --config: every endpoint of ${source} names its own region; set \`region:\` on the endpoints there instead`,
      );
    }
  } else if (hasSeedFlags(flags)) {
    config = seedConfig(globals.region === undefined ? flags : { ...flags, region: globals.region });
    source = 'the seed flags';
  } else {
    throw usageError(
      'no chain to call',
      'pass --config <file> (create one with `bedrock-ha config init`) or --provisioned-arn <arn>',
    );
  }
  const chains = Object.keys(config.chains);
  const chain = flags.chain ?? chains[0];
  if (chain === undefined || !chains.includes(chain)) {
    throw usageError(
      `${source} has no chain named "${flags.chain}"`,
      `use --chain with one of: ${chains.join(', ')}`,
    );
  }
  let resolved = withClientOverrides(config, globals);
  registerConfigSecrets(resolved);
  // Against a local simulator nothing needs AWS credentials; credentials the user chose still win.
  const endpointUrl = resolved.client?.endpoint;
  const simulatorCredentials =
    !configChoosesCredentials(resolved) && (await useSimulatorCredentials(globals, endpointUrl));
  if (simulatorCredentials) {
    resolved = { ...resolved, client: { ...resolved.client, credentials: { ...SIMULATOR_CREDENTIALS } } };
    output?.detail(`${endpointUrl} is a bedrock-ha simulator: signing with placeholder credentials`);
  }
  return { config: resolved, chain, source, simulatorCredentials };
}

/** Reads and validates a configuration file; a bad one is a usage error naming each problem. */
export async function readConfig(path: string): Promise<BedrockHAConfig> {
  // Loaded on use: `serve --help` and usage mistakes do without the engine.
  const { ConfigError, loadConfig } = await import('@bedrock-ha/core');
  try {
    return await loadConfig(path);
  } catch (error) {
    if (ConfigError.isInstance(error)) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
}

/**
 * Points every endpoint at `--endpoint-url` and `--profile`: the top-level client, and the
 * `client` of each endpoint that has its own (which would otherwise win over the top level).
 */
function withClientOverrides(config: BedrockHAConfig, globals: GlobalOptions): BedrockHAConfig {
  if (globals.endpointUrl === undefined && globals.profile === undefined) return config;
  const override = <T extends { client?: ClientConfig }>(holder: T): T => {
    if (holder.client === undefined) return holder;
    const client = { ...holder.client };
    if (globals.endpointUrl !== undefined) client.endpoint = globals.endpointUrl;
    if (globals.profile !== undefined) client.profile = globals.profile;
    return { ...holder, client };
  };
  const chains = Object.fromEntries(
    Object.entries(config.chains).map(([name, chain]) => [
      name,
      {
        ...chain,
        endpoints: chain.endpoints.map((entry) => (typeof entry === 'string' ? entry : override(entry))),
      },
    ]),
  );
  const top = override({ client: config.client ?? {} });
  return {
    ...config,
    chains,
    client: top.client,
    ...(config.endpoints === undefined
      ? {}
      : {
          endpoints: Object.fromEntries(
            Object.entries(config.endpoints).map(([id, endpoint]) => [id, override(endpoint)]),
          ),
        }),
  };
}

/** True when any client of the config names a profile or credentials. */
function configChoosesCredentials(config: BedrockHAConfig): boolean {
  return allClients(config).some(
    (client) => client?.profile !== undefined || client?.credentials !== undefined,
  );
}

function allClients(config: BedrockHAConfig): (ClientConfig | undefined)[] {
  return [
    config.client,
    ...Object.values(config.endpoints ?? {}).map((endpoint) => endpoint.client),
    ...Object.values(config.chains).flatMap((chain) =>
      chain.endpoints.map((entry) => (typeof entry === 'string' ? undefined : entry.client)),
    ),
  ];
}

/** Static credentials written in the config must never be printed, even inside an AWS error. */
function registerConfigSecrets(config: BedrockHAConfig): void {
  for (const client of allClients(config)) {
    const credentials = client?.credentials;
    if (credentials === undefined) continue;
    registerSecret(credentials.accessKeyId);
    registerSecret(credentials.secretAccessKey);
    registerSecret(credentials.sessionToken);
  }
}
