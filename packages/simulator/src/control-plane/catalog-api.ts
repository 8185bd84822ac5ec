import {
  type FoundationModel,
  findFoundationModel,
  foundationModelArn,
  geoOfRegion,
  INFERENCE_PROFILE_GEOS,
} from '../catalog.js';
import { SimulatedError } from '../errors.js';
import { type ControlPlaneCall, paginate } from './serve-control-plane.js';

// A fixed date: the catalog is static, and stable output makes snapshots and docs reproducible.
const CATALOG_DATE = '2024-08-27T00:00:00.000Z';

function details(region: string, model: FoundationModel) {
  return {
    modelArn: foundationModelArn(region, model.modelId),
    modelId: model.modelId,
    modelName: model.modelName,
    providerName: model.providerName,
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    customizationsSupported: [] as string[],
    inferenceTypesSupported: [
      model.onDemand ? 'ON_DEMAND' : 'INFERENCE_PROFILE',
      ...(model.provisionedVariants.length > 0 ? ['PROVISIONED'] : []),
    ],
    modelLifecycle: { status: 'ACTIVE' },
  };
}

/** GetFoundationModel by id or ARN. */
export function getFoundationModel(call: ControlPlaneCall) {
  const id = call.identifier.replace(/^arn:aws:bedrock:[^:]*::foundation-model\//, '');
  const model = findFoundationModel(call.context.models, id);
  if (!model)
    throw new SimulatedError(
      'ResourceNotFoundException',
      `Foundation model ${call.identifier} was not found.`,
    );
  return { status: 200, body: { modelDetails: details(call.region, model) } };
}

/** ListFoundationModels with the provider, inference-type and modality filters. */
export function listFoundationModels(call: ControlPlaneCall) {
  const { query } = call.exchange;
  const provider = query.get('byProvider')?.toLowerCase();
  const inferenceType = query.get('byInferenceType');
  const modality = query.get('byOutputModality');
  const customization = query.get('byCustomizationType');
  const summaries = call.context.models
    .map((model) => details(call.region, model))
    .filter((model) => customization === null || model.customizationsSupported.includes(customization))
    .filter((model) => provider === undefined || model.providerName.toLowerCase() === provider)
    .filter((model) => inferenceType === null || model.inferenceTypesSupported.includes(inferenceType))
    .filter((model) => modality === null || model.outputModalities.includes(modality));
  return { status: 200, body: { modelSummaries: summaries } };
}

/** The system-defined inference profiles a region may call: its geography's and the global ones. */
function profilesOf(call: ControlPlaneCall) {
  const { region, context } = call;
  const geo = geoOfRegion(region);
  const everyRegion = INFERENCE_PROFILE_GEOS.flatMap((each) => each.regions);
  const scopes = [
    ...(geo ? [{ prefix: geo.prefix, name: geo.name, regions: geo.regions }] : []),
    { prefix: 'global', name: 'Global', regions: everyRegion },
  ];
  return scopes.flatMap((scope) =>
    context.models.map((model) => {
      const id = `${scope.prefix}.${model.modelId}`;
      return {
        inferenceProfileName: `${scope.name} ${model.providerName} ${model.modelName}`,
        inferenceProfileArn: `arn:aws:bedrock:${region}:${context.options.accountId}:inference-profile/${id}`,
        inferenceProfileId: id,
        description: `Routes requests to ${model.modelName} in ${scope.regions.join(', ')}.`,
        createdAt: CATALOG_DATE,
        updatedAt: CATALOG_DATE,
        status: 'ACTIVE',
        type: 'SYSTEM_DEFINED',
        models: scope.regions.map((each) => ({ modelArn: foundationModelArn(each, model.modelId) })),
      };
    }),
  );
}

/** GetInferenceProfile by id or ARN. */
export function getInferenceProfile(call: ControlPlaneCall) {
  const profile = profilesOf(call).find(
    (each) => each.inferenceProfileId === call.identifier || each.inferenceProfileArn === call.identifier,
  );
  if (!profile) {
    throw new SimulatedError(
      'ResourceNotFoundException',
      `Inference profile ${call.identifier} was not found.`,
    );
  }
  return { status: 200, body: profile };
}

/** ListInferenceProfiles; `type=APPLICATION` is empty, as the simulator has no application profiles. */
export function listInferenceProfiles(call: ControlPlaneCall) {
  const type = call.exchange.query.get('type');
  const profiles = type === null || type === 'SYSTEM_DEFINED' ? profilesOf(call) : [];
  const { page, nextToken } = paginate(profiles, call.exchange.query);
  return { status: 200, body: { inferenceProfileSummaries: page, ...(nextToken && { nextToken }) } };
}
