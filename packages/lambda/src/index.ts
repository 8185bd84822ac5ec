export { createHandler, type LambdaHandler } from './create-handler.js';
export type { DirectInvokeResult } from './direct-invoke.js';
export {
  createDirectInvokeHandler,
  type DirectInvokeHandler,
  type DirectInvokeHandlerOptions,
} from './direct-invoke-handler.js';
export { InvalidEventError } from './invalid-event-error.js';
export { type BudgetOptions, DEFAULT_SAFETY_MARGIN_MS, InvocationTimeoutError } from './invocation-budget.js';
export { createLambdaEngine, type EngineSource, lambdaConfig, loadLambdaEngine } from './lambda-engine.js';
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
export { jsonLineLogger, type LambdaLogEntry, type LambdaLogger } from './request-log.js';
export {
  createStreamingHandler,
  type StreamingHandler,
  type StreamingHandlerOptions,
} from './streaming-handler.js';
