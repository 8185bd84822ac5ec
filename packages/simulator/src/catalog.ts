/** The request/response body family a model's InvokeModel speaks. */
export type InvokeDialect = 'anthropic-messages' | 'nova-messages';

/** A foundation model the simulator knows. */
export interface FoundationModel {
  modelId: string;
  modelName: string;
  providerName: string;
  dialect: InvokeDialect;
  /** Largest `maxTokens` a request may ask for. */
  maxOutputTokens: number;
  /** Input tokens the model takes at most; a longer request gets Bedrock's "too long" ValidationException. */
  contextWindow: number;
  /** False for models Bedrock serves only through an inference profile or PT. */
  onDemand: boolean;
  /** Context-length variants a Provisioned Throughput may be bought for (`:48k`, `:200k`). */
  provisionedVariants: string[];
  /** Whether Converse takes `outputConfig.textFormat` (structured output) for this model. */
  structuredOutput?: boolean;
}

/** The models every simulator knows; options may add more. */
export const FOUNDATION_MODELS: readonly FoundationModel[] = [
  {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    modelName: 'Claude 3 Haiku',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 4096,
    contextWindow: 200_000,
    onDemand: true,
    provisionedVariants: ['48k', '200k'],
  },
  {
    modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    modelName: 'Claude 3.5 Haiku',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 8192,
    contextWindow: 200_000,
    onDemand: true,
    provisionedVariants: [],
  },
  {
    modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    modelName: 'Claude 3.5 Sonnet v2',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 8192,
    contextWindow: 200_000,
    onDemand: true,
    provisionedVariants: ['18k', '51k', '200k'],
  },
  {
    modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
    modelName: 'Claude 3.7 Sonnet',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 64000,
    contextWindow: 200_000,
    onDemand: false,
    provisionedVariants: [],
  },
  {
    modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
    modelName: 'Claude Sonnet 4',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 64000,
    contextWindow: 200_000,
    onDemand: false,
    provisionedVariants: [],
  },
  {
    modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    modelName: 'Claude Sonnet 4.5',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 64000,
    contextWindow: 200_000,
    onDemand: false,
    provisionedVariants: [],
    structuredOutput: true,
  },
  {
    modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    modelName: 'Claude Haiku 4.5',
    providerName: 'Anthropic',
    dialect: 'anthropic-messages',
    maxOutputTokens: 64000,
    contextWindow: 200_000,
    onDemand: false,
    provisionedVariants: [],
    structuredOutput: true,
  },
  {
    modelId: 'amazon.nova-micro-v1:0',
    modelName: 'Nova Micro',
    providerName: 'Amazon',
    dialect: 'nova-messages',
    maxOutputTokens: 10000,
    contextWindow: 128_000,
    onDemand: true,
    provisionedVariants: ['128k'],
  },
  {
    modelId: 'amazon.nova-lite-v1:0',
    modelName: 'Nova Lite',
    providerName: 'Amazon',
    dialect: 'nova-messages',
    maxOutputTokens: 10000,
    contextWindow: 300_000,
    onDemand: true,
    provisionedVariants: ['300k'],
  },
  {
    modelId: 'amazon.nova-pro-v1:0',
    modelName: 'Nova Pro',
    providerName: 'Amazon',
    dialect: 'nova-messages',
    maxOutputTokens: 10000,
    contextWindow: 300_000,
    onDemand: true,
    provisionedVariants: ['300k'],
  },
];

/** A geography of system-defined cross-region inference profiles and the regions it routes to. */
export interface InferenceProfileGeo {
  prefix: string;
  name: string;
  /** Source regions that may call the profile, which are also its destinations. */
  regions: readonly string[];
}

/** Geographies of the system-defined inference profiles. */
export const INFERENCE_PROFILE_GEOS: readonly InferenceProfileGeo[] = [
  { prefix: 'us', name: 'US', regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { prefix: 'eu', name: 'EU', regions: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1'] },
  {
    prefix: 'apac',
    name: 'APAC',
    regions: ['ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
  },
];

/** Finds a model by id, ignoring a provisioned context-length suffix such as `:48k`. */
export function findFoundationModel(
  models: readonly FoundationModel[],
  id: string,
): FoundationModel | undefined {
  const exact = models.find((model) => model.modelId === id);
  if (exact) return exact;
  const variant = /^(.*):(\d+k)$/.exec(id);
  return variant ? models.find((model) => model.modelId === variant[1]) : undefined;
}

/** The ARN of a foundation model in a region. */
export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

/** The geography whose profiles a region may call (`us-west-2` -> `us`), if any. */
export function geoOfRegion(region: string): InferenceProfileGeo | undefined {
  return INFERENCE_PROFILE_GEOS.find((geo) => geo.regions.includes(region));
}
