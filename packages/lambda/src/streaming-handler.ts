import {
  type StreamingHandler,
  type StreamingHandlerOptions,
  streamingHandlerOf,
} from './engine-streaming-handler.js';
import { createLambdaEngine } from './lambda-engine.js';
import { lambdaApiKeys } from './lambda-gateway.js';

export type { StreamingHandler, StreamingHandlerOptions } from './engine-streaming-handler.js';

/**
 * Creates a handler for a Function URL in RESPONSE_STREAM mode: server-sent events
 * (`/v1/chat/completions` with `stream: true`) and Bedrock event streams (`converse-stream`,
 * `invoke-with-response-stream`) reach the client chunk by chunk as Bedrock produces them, with
 * backpressure. Other answers are sent whole. Export it as the function's handler; create it at
 * module scope, so the engine lives across invocations.
 *
 * Outside the Lambda runtime (no `awslambda` global and no `runtime` option), the handler throws
 * when invoked, saying so; importing it stays safe.
 * @throws ConfigError at creation when the configuration is missing or invalid, or when
 *   `BEDROCK_HA_API_KEYS` is set but holds no key.
 */
export function createStreamingHandler(options: StreamingHandlerOptions = {}): StreamingHandler {
  // Checked before the engine is built, so a bad variable leaves nothing behind.
  lambdaApiKeys(options);
  return streamingHandlerOf(createLambdaEngine(options), options);
}
