// The package without the configuration schema: everything that neither is nor loads zod (see
// validation.ts for the rest). A bundle that resolves `@bedrock-ha/core` with the
// `@bedrock-ha/lazy-validation` condition gets this module, and loads validation.ts only when it
// imports it (a Lambda whose configuration was precompiled never does).
export { createValidatedBedrockHA } from './bedrock-ha.js';
export type {
  BedrockHA,
  BedrockHAOptions,
  ConverseInput,
  ConverseResult,
  ConverseStreamInput,
  ConverseStreamOptions,
  ConverseStreamResult,
  InvokeModelInput,
  InvokeModelResult,
  InvokeModelWithResponseStreamInput,
  InvokeModelWithResponseStreamResult,
  RequestOptions,
  Served,
} from './bedrock-ha-api.js';
export type { Capability, Fit } from './capabilities/capability-gate.js';
export {
  knownCapabilities,
  MODEL_CAPABILITIES,
  type ModelCapabilities,
} from './capabilities/model-capabilities.js';
export { type Feature, type RequestNeeds, requestNeeds } from './capabilities/request-needs.js';
export type { Capacity } from './capacity/declared-capacity.js';
export type { CapacityHealth } from './capacity/endpoint-capacity.js';
export { MODEL_CAPACITY, type ModelCapacity } from './capacity/model-table.js';
export { type Demand, estimateDemand } from './capacity/token-estimate.js';
export type { Endpoint, EndpointKind, EndpointRef, Policy } from './chain/endpoint.js';
export type { CapabilitiesConfig, Strippable } from './config/capabilities-schema.js';
export type { CapacityConfig } from './config/capacity-schema.js';
export { ConfigError, type ConfigIssue } from './config/config-error.js';
export type { BedrockHAConfig, ChainConfig, ClientConfig, EndpointConfig } from './config/config-schema.js';
export {
  DEFAULT_POLICY,
  DEFAULT_RETRY_BUDGET,
  DEFAULT_STATE_BREAKER,
  DEFAULT_STATE_TIMEOUT_MS,
} from './config/defaults.js';
export { describeJsonSyntaxError, type JsonSyntaxError } from './config/json-syntax-error.js';
export {
  PRECOMPILED_FORMAT,
  type PrecompiledConfig,
  type PrecompiledConfigFile,
  readPrecompiledConfig,
} from './config/precompiled-config.js';
export type { StateBreakerConfig, StateConfig } from './config/state-config-schema.js';
export type { ChainWorstCase, EndpointWorstCase } from './config/worst-case.js';
export type { DropInClient, SendOptions } from './drop-in/drop-in-client.js';
export {
  AllEndpointsFailedError,
  type AllEndpointsFailedReason,
} from './errors/all-endpoints-failed-error.js';
export type { Attempt } from './errors/attempt.js';
export { AttemptTimeoutError } from './errors/attempt-timeout-error.js';
export { BedrockHAError } from './errors/bedrock-ha-error.js';
export { DeadlineExceededError } from './errors/deadline-exceeded-error.js';
export { FirstTokenTimeoutError } from './errors/first-token-timeout-error.js';
export { IncompleteStreamError } from './errors/incomplete-stream-error.js';
export { RequestNotSentError } from './errors/request-not-sent-error.js';
export { StreamIdleTimeoutError } from './errors/stream-idle-timeout-error.js';
export { StreamInterruptedError } from './errors/stream-interrupted-error.js';
export { UnknownChainError } from './errors/unknown-chain-error.js';
export type { Random } from './policies/backoff.js';
export type { EndpointHealth } from './policies/endpoint-policies.js';
export {
  type Classification,
  classifyError,
  type ErrorClass,
  type ErrorClassifier,
  type FailureReason,
} from './policies/error-classification.js';
export type { AttemptMiddleware } from './sdk/attempt-middleware.js';
export { type ClientFactory, type ClientSpec, defaultClientFactory } from './sdk/client-pool.js';
export { rawBytesOf } from './sdk/lean/raw-bytes.js';
export type { Transport } from './sdk/lean/transport-choice.js';
export type { BedrockResponseHeaders, WithResponseHeaders } from './sdk/response-headers.js';
export {
  isLocalFallback,
  type LocalFallbackOptions,
  type StoreFallbackEvent,
  withLocalFallback,
} from './state/local-fallback-store.js';
export { MemoryStateStore, type MemoryStateStoreOptions } from './state/memory-state-store.js';
export type {
  BreakerRecord,
  MaybePromise,
  Reservation,
  StateStore,
  WindowOptions,
} from './state/state-store.js';
export type { EndpointUsage } from './state/usage-counters.js';
export type {
  AttemptEvent,
  BedrockHAEvents,
  BreakerState,
  BreakerStateChangeEvent,
  BudgetExhaustedEvent,
  DeadlineExceededEvent,
  EndpointParkedEvent,
  FailoverEvent,
  HedgeEvent,
  RetryEvent,
  StateStoreFallbackEvent,
  StateStoreStateChangeEvent,
} from './telemetry/events.js';
