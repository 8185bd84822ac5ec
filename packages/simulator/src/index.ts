export { ADMIN_PREFIX } from './admin.js';
export { FOUNDATION_MODELS, type FoundationModel, INFERENCE_PROFILE_GEOS } from './catalog.js';
export { BEDROCK_ERROR_NAMES, type BedrockErrorName } from './errors.js';
export type { ActiveFault } from './fault-injector.js';
export type { FaultEffect, FaultRule, FaultRuleInput } from './fault-schema.js';
export type { Operation } from './operations.js';
export type { ModelBehaviour, ProvisionedThroughputOptions, Quota, SimulatorOptions } from './options.js';
export { REGION_HEADER } from './region.js';
export type { RegionalPort } from './regional-ports.js';
export { loadScenario } from './scenario.js';
export {
  type FaultControl,
  type ProvisionedThroughputInfo,
  type RegionControl,
  type Simulator,
  startSimulator,
} from './simulator.js';
export type { Counter, RequestRecord } from './stats.js';
export { SimulatorConfigError } from './validation.js';
