export { createHandler } from './create-handler.js';
export {
  createDirectInvokeHandler,
  type DirectInvokeHandler,
  type DirectInvokeHandlerOptions,
} from './direct-invoke-handler.js';
export { createLambdaEngine, lambdaConfig } from './lambda-engine.js';
export * from './runtime.js';
export { createStreamingHandler } from './streaming-handler.js';
