export {
  BedrockHAFunction,
  type BedrockHAFunctionProps,
  CONFIG_FILE,
} from './bedrock-ha-function.js';
export { BedrockHAStack, type BedrockHAStackProps } from './bedrock-ha-stack.js';
export {
  BEDROCK_INVOKE_ACTIONS,
  type BedrockInvokeOptions,
  bedrockInvokeStatements,
} from './bedrock-invoke-statements.js';
export { type BundleOptions, type BundleResult, bundleHandler } from './bundle-handler.js';
export type { ConfigSource } from './deployed-config.js';
export { HTTP_API_MAX_DEADLINE_MS, HTTP_API_MAX_TIMEOUT } from './front-door-settings.js';
export { INFERENCE_PROFILE_REGIONS, partitionOf } from './inference-profile-regions.js';
export type { BedrockHAStateStore } from './state-store-settings.js';
