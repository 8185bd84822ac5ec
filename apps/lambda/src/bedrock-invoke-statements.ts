import { type BedrockHAConfig, createBedrockHA } from '@bedrock-ha/core';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { INFERENCE_PROFILE_REGIONS, partitionOf } from './inference-profile-regions.js';

/** The actions the engine calls: Converse uses InvokeModel, ConverseStream the streaming one. */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** Options of {@link bedrockInvokeStatements}. */
export interface BedrockInvokeOptions {
  /** The account of the inference-profile ARNs built from profile ids (the stack's account). */
  readonly account: string;
  /** Destination regions by profile prefix (`us`, `eu`...) or whole profile id; overrides the defaults. */
  readonly inferenceProfileRegions?: Readonly<Record<string, readonly string[]>>;
  /**
   * Foundation-model ARNs behind application inference profiles, which the configuration alone
   * cannot name. Granted only through those profiles.
   */
  readonly applicationProfileModelArns?: readonly string[];
}

const ARN = /^arn:([\w-]+):bedrock:([a-z0-9-]*):(\d*):([\w-]+)\/(.+)$/;

interface Grants {
  readonly direct: Set<string>;
  /** Foundation models reached through profiles: allowed only with `bedrock:InferenceProfileArn`. */
  readonly routed: Set<string>;
  readonly profiles: Set<string>;
  /** Region-less foundation-model ARNs of `global.` profiles, and the profiles that reach them. */
  readonly global: Set<string>;
  readonly globalProfiles: Set<string>;
}

/**
 * IAM statements allowing exactly the Bedrock calls a configuration makes, no wildcard:
 * - on-demand endpoints: `arn:<partition>:bedrock:<region>::foundation-model/<id>`;
 * - Provisioned Throughput and application-profile ARNs: as written in the configuration;
 * - a system inference profile `<geo>.<model>` called from `<region>`: the profile's ARN in that
 *   region and account, plus the model's foundation-model ARN in the source region and in every
 *   region the geography routes to, as cross-region inference requires. Those model grants hold
 *   only when the call goes through one of the configured profiles (`bedrock:InferenceProfileArn`),
 *   so they never allow calling the model directly in another region;
 * - a `global.` profile: the profile and source-region model as above, and the region-less
 *   `arn:<partition>:bedrock:::foundation-model/<model>` that global routing is authorized on
 *   (with `aws:RequestedRegion` = `unspecified`, as the Bedrock documentation's policy has it).
 * @throws Error when a profile's geography is unknown and no `inferenceProfileRegions` names it.
 */
export function bedrockInvokeStatements(
  config: BedrockHAConfig,
  options: BedrockInvokeOptions,
): PolicyStatement[] {
  const grants: Grants = {
    direct: new Set(),
    routed: new Set(),
    profiles: new Set(),
    global: new Set(),
    globalProfiles: new Set(),
  };
  for (const endpoint of configuredEndpoints(config)) addEndpoint(grants, endpoint, options);
  const statements = [
    new PolicyStatement({
      sid: 'InvokeConfiguredModels',
      effect: Effect.ALLOW,
      actions: BEDROCK_INVOKE_ACTIONS,
      resources: sorted(grants.direct),
    }),
  ];
  if (grants.routed.size > 0)
    statements.push(
      new PolicyStatement({
        sid: 'InvokeModelsThroughProfiles',
        effect: Effect.ALLOW,
        actions: BEDROCK_INVOKE_ACTIONS,
        resources: sorted(grants.routed),
        conditions: { StringEquals: { 'bedrock:InferenceProfileArn': sorted(grants.profiles) } },
      }),
    );
  if (grants.global.size > 0)
    statements.push(
      new PolicyStatement({
        sid: 'InvokeModelsThroughGlobalProfiles',
        effect: Effect.ALLOW,
        actions: BEDROCK_INVOKE_ACTIONS,
        resources: sorted(grants.global),
        conditions: {
          StringEquals: {
            'aws:RequestedRegion': 'unspecified',
            'bedrock:InferenceProfileArn': sorted(grants.globalProfiles),
          },
        },
      }),
    );
  return statements;
}

/** Every endpoint of the configuration, kinds and regions resolved by the core's own rules. */
function configuredEndpoints(config: BedrockHAConfig) {
  const ha = createBedrockHA(config, { telemetry: false });
  try {
    return ha.health();
  } finally {
    ha.destroy();
  }
}

function addEndpoint(
  grants: Grants,
  endpoint: { kind: string; region: string; modelId: string },
  options: BedrockInvokeOptions,
): void {
  const { kind, region, modelId } = endpoint;
  const arn = ARN.exec(modelId);
  const partition = arn?.[1] ?? partitionOf(region);
  if (kind === 'provisioned') {
    grants.direct.add(modelId);
    return;
  }
  if (kind === 'on-demand') {
    grants.direct.add(arn ? modelId : `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`);
    return;
  }
  if (arn?.[4] === 'application-inference-profile') {
    grants.direct.add(modelId);
    grants.profiles.add(modelId);
    for (const model of options.applicationProfileModelArns ?? []) grants.routed.add(model);
    return;
  }
  const profileId = arn ? arn[5]! : modelId;
  const profileArn = arn
    ? modelId
    : `arn:${partition}:bedrock:${region}:${options.account}:inference-profile/${profileId}`;
  const dot = profileId.indexOf('.');
  if (dot <= 0)
    throw new Error(
      `Inference profile "${profileId}" has no geography prefix (us., eu., apac., global. ...); use the profile's id or ARN as modelId`,
    );
  const geography = profileId.slice(0, dot);
  const model = profileId.slice(dot + 1);
  const foundationModel = (where: string) => `arn:${partition}:bedrock:${where}::foundation-model/${model}`;
  grants.direct.add(profileArn);
  grants.routed.add(foundationModel(region));
  if (geography === 'global') {
    grants.global.add(foundationModel(''));
    grants.globalProfiles.add(profileArn);
    grants.profiles.add(profileArn);
    return;
  }
  const destinations =
    options.inferenceProfileRegions?.[profileId] ??
    options.inferenceProfileRegions?.[geography] ??
    INFERENCE_PROFILE_REGIONS[geography];
  if (!destinations)
    throw new Error(
      `Inference profile "${profileId}" has a geography ("${geography}") with no known destination regions; pass inferenceProfileRegions: { "${geography}": [<regions from aws bedrock get-inference-profile>] }`,
    );
  grants.profiles.add(profileArn);
  for (const destination of destinations) grants.routed.add(foundationModel(destination));
}

function sorted(values: Set<string>): string[] {
  return [...values].sort();
}
