export { ADMIN_PREFIX } from './admin.js';
export type { CapacitySnapshot, ThrottleReason } from './capacity.js';
export { FOUNDATION_MODELS, type FoundationModel, INFERENCE_PROFILE_GEOS } from './catalog.js';
export { BEDROCK_ERROR_NAMES, type BedrockErrorName } from './errors.js';
export type { ActiveFault } from './fault-injector.js';
export type { FaultEffect, FaultRule, FaultRuleInput } from './fault-schema.js';
export type { Operation } from './operations.js';
export type { ModelBehaviour, ProvisionedThroughputOptions, Quota, SimulatorOptions } from './options.js';
export {
  DEFAULT_TOKENS_PER_MINUTE_PER_UNIT,
  PT_TOKENS_PER_MINUTE_PER_UNIT,
} from './provisioned.js';
export { SERVICE_TIER_HEADER } from './quota/admission.js';
export { DEFAULT_TIER_SPEED, SERVICE_TIERS, type ServiceTierName } from './quota/service-tier-options.js';
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
