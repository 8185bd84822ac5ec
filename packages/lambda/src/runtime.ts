// The package without what loads a configuration synchronously (and so zod): what a bundled entry
// needs. A bundle that resolves `@bedrock-ha/lambda` with the `@bedrock-ha/lazy-validation`
// condition gets this module; `loadLambdaEngine` imports the validating code only when needed.
export { createHandlers, type LambdaHandlers } from './create-handlers.js';
export type { DirectInvokeResult } from './direct-invoke.js';
export type { LambdaHandler } from './engine-handler.js';
export type { StreamingHandler, StreamingHandlerOptions } from './engine-streaming-handler.js';
export { InvalidEventError } from './invalid-event-error.js';
export { type BudgetOptions, DEFAULT_SAFETY_MARGIN_MS, InvocationTimeoutError } from './invocation-budget.js';
export type { EngineSource } from './lambda-engine.js';
export type { HttpHandlerOptions } from './lambda-gateway.js';
export type {
  AwsLambdaRuntime,
  HttpResponseStreamPrelude,
  ResponseStream,
  StreamingHandlerFunction,
} from './lambda-runtime.js';
export type {
  DirectInvokeEvent,
  HttpEventV1,
  HttpEventV2,
  HttpResult,
  LambdaContext,
} from './lambda-types.js';
export { loadLambdaEngine } from './load-lambda-engine.js';
export { jsonLineLogger, type LambdaLogEntry, type LambdaLogger } from './request-log.js';
