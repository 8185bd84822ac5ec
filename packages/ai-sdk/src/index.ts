export { BedrockHALanguageModel } from './bedrock-ha-language-model.js';
export {
  type BedrockHAProvider,
  type BedrockHAProviderSettings,
  createBedrockHAProvider,
} from './bedrock-ha-provider.js';
export type { BedrockHACallOptions } from './prepare-converse-call.js';
