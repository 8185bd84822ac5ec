import type { BedrockHAConfig } from '@bedrock-ha/core';
import { usageError } from './exit-code.js';

/** Claude 3 Haiku, the AWS sample's on-demand fallback model. */
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

/** The AWS sample's arguments, as `converse` and `doctor` take them. */
export interface SeedFlags {
  readonly provisionedArn?: string;
  readonly primaryRegion?: string;
  readonly fallbackRegion?: string;
  readonly fallbackModel?: string;
  /** The global `--region`: the primary region when `--primary-region` is not given. */
  readonly region?: string;
}

/** The chain name a configuration built from the seed flags uses. */
export const SEED_CHAIN = 'default';

const PT_ARN = /^arn:aws[\w-]*:bedrock:([a-z0-9-]+):\d{12}:provisioned-model\/[a-z0-9]+$/;

/** True when any of the seed's flags was given. */
export function hasSeedFlags(flags: SeedFlags): boolean {
  return (
    flags.provisionedArn !== undefined ||
    flags.primaryRegion !== undefined ||
    flags.fallbackRegion !== undefined ||
    flags.fallbackModel !== undefined
  );
}

/**
 * The AWS sample's two-endpoint setup as a configuration: the Provisioned Throughput first, then
 * the fallback model on demand in the fallback region (Claude 3 Haiku in us-west-2 by default).
 */
export function seedConfig(flags: SeedFlags): BedrockHAConfig {
  const arn = flags.provisionedArn;
  if (arn === undefined) {
    throw usageError(
      'the seed flags need --provisioned-arn',
      'pass --provisioned-arn arn:aws:bedrock:<region>:<account>:provisioned-model/<id> (see `bedrock-ha provision list`)',
    );
  }
  const arnRegion = PT_ARN.exec(arn)?.[1];
  if (arnRegion === undefined) {
    throw usageError(
      `--provisioned-arn "${arn}" is not a Provisioned Throughput ARN`,
      'it looks like arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456',
    );
  }
  const flag = flags.primaryRegion !== undefined ? '--primary-region' : '--region';
  const primaryRegion = flags.primaryRegion ?? flags.region ?? arnRegion;
  if (primaryRegion !== arnRegion) {
    throw usageError(
      `${flag} ${primaryRegion} does not match the ARN's region ${arnRegion}`,
      `a Provisioned Throughput is called in its own region: drop ${flag} or fix the ARN`,
    );
  }
  return {
    chains: {
      [SEED_CHAIN]: {
        endpoints: [
          { id: 'provisioned', modelId: arn },
          {
            id: 'on-demand',
            region: flags.fallbackRegion ?? 'us-west-2',
            modelId: flags.fallbackModel ?? HAIKU,
          },
        ],
      },
    },
  };
}
