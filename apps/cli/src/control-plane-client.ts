import { BedrockClient, type BedrockClientConfig } from '@aws-sdk/client-bedrock';
import { describeAwsError } from './describe-error.js';
import { CliError, ExitCode } from './exit-code.js';
import type { GlobalOptions } from './global-options.js';

/**
 * The Bedrock control-plane client (`aws bedrock ...`), configured from the global options; the
 * SDK's default chain supplies what they leave out (region from AWS_REGION or the profile,
 * credentials from the environment, the profile, SSO or the instance role).
 */
export function controlPlaneClient(globals: GlobalOptions, region?: string): BedrockClient {
  const config: BedrockClientConfig = {};
  const chosen = region ?? globals.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (chosen !== undefined) config.region = chosen;
  if (globals.endpointUrl !== undefined) config.endpoint = globals.endpointUrl;
  if (globals.profile !== undefined) config.profile = globals.profile;
  return new BedrockClient(config);
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
