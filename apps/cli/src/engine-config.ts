import type { BedrockHAConfig } from '@bedrock-ha/core';
import { CliError, ExitCode, usageError } from './exit-code.js';
import type { GlobalOptions } from './global-options.js';
import { hasSeedFlags, type SeedFlags, seedConfig } from './seed-chain.js';

/** A configuration ready for `createBedrockHA`, and the chain a command uses. */
export interface EngineConfig {
  readonly config: BedrockHAConfig;
  readonly chain: string;
  /** Where it came from, for messages: the file, or "the seed flags". */
  readonly source: string;
}

/**
 * The configuration a command runs: the `--config` file (or `BEDROCK_HA_CONFIG`), else one built
 * from the seed flags. The global `--endpoint-url` and `--profile` apply to every endpoint, so
 * that any configuration can be pointed at the simulator.
 */
export async function resolveEngineConfig(
  globals: GlobalOptions,
  flags: SeedFlags & { readonly chain?: string },
): Promise<EngineConfig> {
  let config: BedrockHAConfig;
  let source: string;
  if (globals.config !== undefined) {
    if (hasSeedFlags(flags)) {
      throw usageError('--config and the seed flags (--provisioned-arn, ...) cannot be combined', 'use one');
    }
    config = await readConfig(globals.config);
    source = globals.config;
  } else if (hasSeedFlags(flags)) {
    config = seedConfig(flags);
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
  return { config: withClientOverrides(config, globals), chain, source };
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

function withClientOverrides(config: BedrockHAConfig, globals: GlobalOptions): BedrockHAConfig {
  if (globals.endpointUrl === undefined && globals.profile === undefined) return config;
  const client = { ...config.client };
  if (globals.endpointUrl !== undefined) client.endpoint = globals.endpointUrl;
  if (globals.profile !== undefined) client.profile = globals.profile;
  return { ...config, client };
}
