export type { AttemptMiddleware } from './attempt-middleware.js';
export type { Random } from './backoff.js';
export { createBedrockHA } from './bedrock-ha.js';
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
export { type ClientFactory, type ClientSpec, defaultClientFactory } from './client-pool.js';
export { ConfigError, type ConfigIssue } from './config-error.js';
export type {
  BedrockHAConfig,
  BreakerConfig,
  ChainConfig,
  ClientConfig,
  EndpointConfig,
  PolicyConfig,
} from './config-schema.js';
export { MAX_TIMER_MS } from './config-schema.js';
export { DEFAULT_POLICY, DEFAULT_RETRY_BUDGET } from './defaults.js';
export type { DropInClient, SendOptions } from './drop-in-client.js';
export type { Endpoint, EndpointKind, EndpointRef, Policy } from './endpoint.js';
export type { EndpointHealth } from './endpoint-state.js';
export {
  type Classification,
  classifyError,
  type ErrorClass,
  type ErrorClassifier,
  type FailureReason,
} from './error-classification.js';
export {
  AllEndpointsFailedError,
  type Attempt,
  AttemptTimeoutError,
  BedrockHAError,
  DeadlineExceededError,
  FirstTokenTimeoutError,
  IncompleteStreamError,
  RequestNotSentError,
  StreamIdleTimeoutError,
  StreamInterruptedError,
  UnknownChainError,
} from './errors.js';
export type {
  AttemptEvent,
  BedrockHAEvents,
  BreakerState,
  BreakerStateChangeEvent,
  BudgetExhaustedEvent,
  DeadlineExceededEvent,
  FailoverEvent,
  HedgeEvent,
  RetryEvent,
} from './events.js';
export { configJsonSchema } from './json-schema.js';
export {
  type ConfigFormat,
  type LoadConfigOptions,
  loadConfig,
  type ParseConfigTextOptions,
  parseConfigText,
  readConfigFile,
} from './load-config.js';
export type { BedrockResponseHeaders, WithResponseHeaders } from './response-headers.js';
