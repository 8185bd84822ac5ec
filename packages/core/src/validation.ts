// What validates a configuration, and so loads zod and the configuration schema: reading and
// parsing configurations, `createBedrockHA`, the JSON Schema, the chain graph check, the
// capabilities report.
// `@bedrock-ha/core/validation` exports this module alone; the package's main entry exports both.

export { describeCapabilities, type EndpointCapabilities } from './capabilities/capabilities-report.js';
export {
  type ChainGraph,
  type ChainGraphFinding,
  type ChainGraphReport,
  checkChainGraph,
  findCycles,
  formatMs,
} from './config/chain-graph.js';
export { configJsonSchema } from './config/json-schema.js';
export {
  type ConfigFormat,
  type LoadConfigOptions,
  loadConfig,
  type ParseConfigTextOptions,
  parseConfigText,
  readConfigFile,
} from './config/load-config.js';
export { type BreakerConfig, MAX_TIMER_MS, type PolicyConfig } from './config/policy-schema.js';
export { precompileConfig } from './config/precompile-config.js';
export { SERVICE_TIERS, type ServiceTier } from './config/service-tier-schema.js';
export { loadYamlSupport } from './config/yaml-syntax.js';
export { createBedrockHA } from './create-bedrock-ha.js';
