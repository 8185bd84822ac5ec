import type { BedrockHA } from '@bedrock-ha/core';
import {
  type DirectInvokeResult,
  invokeDirect,
  isDirectInvokeEvent,
  parseDirectInvokeEvent,
} from './direct-invoke.js';
import { budgetSettings, invocationBudget } from './invocation-budget.js';
import { createLambdaEngine } from './lambda-engine.js';
import {
  type HttpHandlerOptions,
  httpRequestParts,
  lambdaApiKeys,
  lambdaGateway,
  serveHttp,
  unknownEventError,
} from './lambda-gateway.js';
import type { HttpResult, LambdaContext } from './lambda-types.js';
import { runInvocation, selectLogger } from './request-log.js';
import { toHttpResult } from './response-body.js';

/** A buffered Lambda handler: HTTP events get an HTTP result, direct invocations a Converse result. */
export interface LambdaHandler {
  (event: unknown, context: LambdaContext): Promise<HttpResult | DirectInvokeResult>;
  /** The engine this handler serves, to share with other handlers or read `health()`. */
  readonly engine: BedrockHA;
}

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
  const budget = budgetSettings(options);
  // Checked before the engine is built, so a bad variable leaves nothing behind.
  const apiKeys = lambdaApiKeys(options);
  const engine = createLambdaEngine(options);
  const gateway = lambdaGateway(engine, options, apiKeys);
  const logger = selectLogger(options);
  const handler = (event: unknown, context: LambdaContext) =>
    runInvocation(context, async () => {
      const parts = httpRequestParts(event);
      if (!parts && !isDirectInvokeEvent(event))
        throw unknownEventError(event, 'an HTTP event (payload 2.0 or 1.0) or a direct invocation');
      const time = invocationBudget(context, budget);
      try {
        if (!parts) return await invokeDirect(engine, parseDirectInvokeEvent(event), time, logger);
        const response = await serveHttp(gateway, parts, time);
        return await toHttpResult(response);
      } finally {
        time.dispose();
      }
    });
  return Object.assign(handler, { engine });
}
