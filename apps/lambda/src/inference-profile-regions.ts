/**
 * Where each geography's system-defined (cross-region) inference profiles may route, by the
 * profile id's prefix. A superset over models, from Amazon Bedrock's "Supported Regions and models
 * for inference profiles" page: a profile for one model may route to fewer regions, and granting a
 * region it never uses allows nothing more, since those grants only hold through the profile (see
 * `bedrockInvokeStatements`). AWS adds regions over time: check
 * `aws bedrock get-inference-profile --inference-profile-identifier <id>` and pass
 * `inferenceProfileRegions` to override.
 *
 * `global.` profiles route to any commercial region and are granted through the region-less
 * foundation-model ARN instead (see there).
 */
export const INFERENCE_PROFILE_REGIONS: Readonly<Record<string, readonly string[]>> = {
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  eu: [
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
  ],
  apac: [
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
  ],
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  ca: ['ca-central-1', 'ca-west-1'],
};

/** The AWS partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
