import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import { describeAwsError } from './describe-error.js';
import { CliError, ExitCode } from './exit-code.js';
import type { GlobalOptions } from './global-options.js';
import {
  hasExplicitCredentials,
  isLocalSimulator,
  SIMULATOR_CREDENTIALS,
  SIMULATOR_REGION,
} from './local-simulator.js';

/**
 * The SDK's logger for control-plane clients: its warnings reach stderr, except the one about a
 * profile set beside AWS_ACCESS_KEY_ID. `doctor` checks an endpoint's own `client.profile` on
 * purpose while the environment holds the other endpoints' keys, and reports which one it used.
 */
const SDK_LOGGER = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: unknown) => {
    if (!String(message).includes('Multiple credential sources detected')) console.warn(message);
  },
  // The SDK logs every failed command here; the CLI reports failures itself, with a fix.
  error: () => undefined,
};

/** What a local simulator at `--endpoint-url` fills in that AWS would need configured. */
export interface SimulatorDefaults {
  /** Sign with placeholder credentials (the user chose none). */
  readonly credentials: boolean;
}

/**
 * The Bedrock control-plane client (`aws bedrock ...`), configured from the global options; the
 * SDK's default chain supplies what they leave out (region from AWS_REGION or the profile,
 * credentials from the environment, the profile, SSO or the instance role).
 */
export function controlPlaneClient(
  globals: GlobalOptions,
  region?: string,
  simulator?: SimulatorDefaults,
): BedrockClient {
  const config: BedrockClientConfig = {};
  const chosen =
    region ??
    globals.region ??
    process.env.AWS_REGION ??
    process.env.AWS_DEFAULT_REGION ??
    // A simulator serves every region; its PTs are in the sample's us-east-1 unless a scenario says otherwise.
    (simulator ? SIMULATOR_REGION : undefined);
  if (chosen !== undefined) config.region = chosen;
  if (globals.endpointUrl !== undefined) config.endpoint = globals.endpointUrl;
  if (globals.profile !== undefined) config.profile = globals.profile;
  if (simulator?.credentials) config.credentials = { ...SIMULATOR_CREDENTIALS };
  config.logger = SDK_LOGGER;
  return new BedrockClient(config);
}

/**
 * What to fill in when `--endpoint-url` is a local simulator: the region, and placeholder
 * credentials unless the user chose some; `undefined` for anything else.
 */
export async function simulatorDefaults(globals: GlobalOptions): Promise<SimulatorDefaults | undefined> {
  if (!(await isLocalSimulator(globals.endpointUrl))) return undefined;
  return { credentials: !hasExplicitCredentials(globals) };
}

/** Where control-plane calls go, for messages: the `--endpoint-url`, or Bedrock in the region. */
export function controlPlaneTarget(globals: GlobalOptions): string {
  const region = globals.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return globals.endpointUrl ?? `Amazon Bedrock${region ? ` in ${region}` : ''}`;
}

/**
 * Runs one control-plane call; its failure becomes a CLI error with a fix (a missing region is a
 * usage error, anything else a failed command).
 */
export async function controlPlaneCall<T>(target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const description = describeAwsError(error, target);
    const usage = /no AWS region/.test(description.message);
    throw new CliError(description.message, usage ? ExitCode.usage : ExitCode.failed, description.hint);
  }
}
