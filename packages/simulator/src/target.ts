import { type FoundationModel, findFoundationModel, geoOfRegion } from './catalog.js';
import type { SimulatorContext } from './context.js';
import { SimulatedError, validationError } from './errors.js';
import {
  DEFAULT_BEHAVIOUR,
  DEFAULT_ON_DEMAND_QUOTA,
  DEFAULT_PROFILE_QUOTA,
  type ModelBehaviour,
  type Quota,
} from './options.js';
import type { ProvisionedThroughput } from './provisioned.js';

/** What a runtime request's model id resolves to in its region. */
export interface Target {
  kind: 'on-demand' | 'provisioned' | 'inference-profile';
  model: FoundationModel;
  /** Names fault rules may match: the id as sent, the model id, PT name/id/ARN, profile id. */
  aliases: string[];
  /** The id quotas and service tiers are configured by: the base model id, or the profile id. */
  quotaId: string;
  /** Key of the capacity this request draws on. */
  capacityKey: string;
  quota: () => Quota;
  behaviour: Required<ModelBehaviour>;
  provisioned?: ProvisionedThroughput;
}

const PROVISIONED_ARN = /^arn:aws:bedrock:([^:]+):\d{12}:provisioned-model\/([a-z0-9]+)$/;
const FOUNDATION_ARN = /^arn:aws:bedrock:([^:]+)::foundation-model\/(.+)$/;
const PROFILE_ARN = /^arn:aws:bedrock:([^:]+):\d{12}:inference-profile\/(.+)$/;

const invalidModel = () => validationError('The provided model identifier is invalid.');

/**
 * Resolves the model id of a runtime request (decoded path label) in the request's region, or
 * throws the error Bedrock gives for it.
 */
export function resolveTarget(context: SimulatorContext, region: string, modelId: string): Target {
  const provisioned = PROVISIONED_ARN.exec(modelId);
  if (provisioned) return provisionedTarget(context, region, modelId);

  let profileId = PROFILE_ARN.exec(modelId)?.[2];
  let plainId = modelId;
  const foundation = FOUNDATION_ARN.exec(modelId);
  if (foundation) {
    if (foundation[1] !== region) throw invalidModel();
    plainId = foundation[2]!;
  }
  const prefix = /^(us|eu|apac|global)\.(.+)$/.exec(profileId ?? plainId);
  if (profileId !== undefined && !prefix) throw invalidModel();
  if (prefix) {
    profileId = prefix[0];
    const [, geo, baseId] = prefix;
    const model = findFoundationModel(context.models, baseId!);
    if (!model || (geo !== 'global' && geoOfRegion(region)?.prefix !== geo)) throw invalidModel();
    return {
      kind: 'inference-profile',
      model,
      aliases: unique([modelId, profileId, model.modelId]),
      quotaId: profileId,
      capacityKey: `inference-profile:${region}:${profileId}`,
      quota: () => quotaFor(context, region, profileId!, 'inferenceProfile'),
      behaviour: behaviourOf(context, model),
    };
  }

  const model = findFoundationModel(context.models, plainId);
  if (!model || model.modelId !== plainId) throw invalidModel();
  if (!model.onDemand) {
    throw validationError(
      `Invocation of model ID ${model.modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
  }
  return {
    kind: 'on-demand',
    model,
    aliases: unique([modelId, model.modelId]),
    quotaId: model.modelId,
    capacityKey: `on-demand:${region}:${model.modelId}`,
    quota: () => quotaFor(context, region, model.modelId, 'onDemand'),
    behaviour: behaviourOf(context, model),
  };
}

function provisionedTarget(context: SimulatorContext, region: string, arn: string): Target {
  const pt = context.provisioned.find(region, arn);
  if (!pt)
    throw new SimulatedError('ResourceNotFoundException', `The provisioned model ${arn} was not found.`);
  const status = context.provisioned.status(pt);
  if (status === 'Creating') {
    throw new SimulatedError(
      'ModelNotReadyException',
      `Provisioned model ${pt.name} is still being created.`,
    );
  }
  if (status === 'Failed') throw validationError(`Provisioned model ${pt.name} is in Failed state.`);
  return {
    kind: 'provisioned',
    model: pt.model,
    aliases: unique([arn, pt.name, pt.id, pt.model.modelId]),
    quotaId: pt.model.modelId,
    capacityKey: `provisioned:${pt.arn}`,
    quota: () => pt.quota,
    behaviour: behaviourOf(context, pt.model, pt.modelArn),
    provisioned: pt,
  };
}

function quotaFor(
  context: SimulatorContext,
  region: string,
  model: string,
  kind: 'onDemand' | 'inferenceProfile',
): Quota {
  const defaults = kind === 'onDemand' ? DEFAULT_ON_DEMAND_QUOTA : DEFAULT_PROFILE_QUOTA;
  const { quotas } = context.options;
  const overrides = quotas.overrides.filter(
    (override) => override.model === model && (override.region === undefined || override.region === region),
  );
  // A region-specific override beats one for every region.
  overrides.sort((a, b) => Number(a.region !== undefined) - Number(b.region !== undefined));
  const merged: Quota = { ...defaults, ...quotas[kind] };
  for (const { region: _region, model: _model, ...override } of overrides) Object.assign(merged, override);
  // Bedrock's default daily quota is a day of the per-minute quota.
  if (merged.tokensPerDay === undefined && merged.tokensPerMinute !== undefined)
    merged.tokensPerDay = merged.tokensPerMinute * 1440;
  return merged;
}

function behaviourOf(
  context: SimulatorContext,
  model: FoundationModel,
  provisionedArn?: string,
): Required<ModelBehaviour> {
  const { models } = context.options;
  // A PT bought for a context variant (`:48k`) takes that much.
  const variant = /:(\d+)k$/.exec(provisionedArn ?? '')?.[1];
  return {
    ...DEFAULT_BEHAVIOUR,
    defaultMaxTokens: model.maxOutputTokens,
    contextWindow: variant === undefined ? model.contextWindow : Number(variant) * 1_000,
    ...models['*'],
    ...models[model.modelId],
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
