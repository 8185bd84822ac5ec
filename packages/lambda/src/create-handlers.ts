import type { BedrockHA } from '@bedrock-ha/core';
import { bufferedHandler, type LambdaHandler } from './engine-handler.js';
import {
  type StreamingHandler,
  type StreamingHandlerOptions,
  streamingHandlerOf,
} from './engine-streaming-handler.js';

/** The two handlers of {@link createHandlers}. */
export interface LambdaHandlers {
  /** As `createHandler`: API Gateway, Function URLs in BUFFERED mode and direct invocations. */
  readonly handler: LambdaHandler;
  /** As `createStreamingHandler`: Function URLs in RESPONSE_STREAM mode. */
  readonly streamingHandler: StreamingHandler;
}

/**
 * Both handlers over one engine, for a bundled function's entry:
 * `export const { handler, streamingHandler } = createHandlers(await loadLambdaEngine())`.
 * Unlike `createHandler({ engine })`, nothing here can load a configuration, so a bundler leaves
 * the configuration schema and zod out of the entry when the configuration is precompiled.
 * @throws ConfigError when `BEDROCK_HA_API_KEYS` is set but holds no key.
 */
export function createHandlers(engine: BedrockHA, options: StreamingHandlerOptions = {}): LambdaHandlers {
  return { handler: bufferedHandler(engine, options), streamingHandler: streamingHandlerOf(engine, options) };
}
