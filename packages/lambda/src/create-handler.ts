import { bufferedHandler, type LambdaHandler } from './engine-handler.js';
import { createLambdaEngine } from './lambda-engine.js';
import { type HttpHandlerOptions, lambdaApiKeys } from './lambda-gateway.js';

export type { LambdaHandler } from './engine-handler.js';

/**
 * Creates the function's handler. Call it at module scope: the engine (SDK clients, breakers) is
 * built once per execution environment and reused by every invocation.
 *
 * It answers, by the event's shape:
 * - API Gateway HTTP API and Function URL events (payload 2.0) and API Gateway REST events (1.0):
 *   the gateway's routes (`POST /v1/chat/completions`, `POST /model/{chain}/converse`, ...), with
 *   a buffered result; streamed answers are sent whole (use `createStreamingHandler` to stream).
 * - Direct invocations `{ operation?, chain, input }`: see `createDirectInvokeHandler`.
 *
 * Every request's deadline is the invocation's remaining time minus `safetyMarginMs`, at most
 * `maxDeadlineMs` (or `BEDROCK_HA_MAX_DEADLINE_MS`).
 * @throws ConfigError at creation when the configuration is missing or invalid, or when
 *   `BEDROCK_HA_API_KEYS` is set but holds no key.
 */
export function createHandler(options: HttpHandlerOptions = {}): LambdaHandler {
  // Checked before the engine is built, so a bad variable leaves nothing behind.
  lambdaApiKeys(options);
  return bufferedHandler(createLambdaEngine(options), options);
}
