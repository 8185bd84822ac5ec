import type { BedrockHA } from '@bedrock-ha/core';
import {
  type DirectInvokeResult,
  invokeDirect,
  isDirectInvokeEvent,
  parseDirectInvokeEvent,
} from './direct-invoke.js';
import { budgetSettings, invocationBudget } from './invocation-budget.js';
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

/** {@link createHandler} over an engine already built: no configuration is loaded here. */
export function bufferedHandler(engine: BedrockHA, options: HttpHandlerOptions = {}): LambdaHandler {
  const budget = budgetSettings(options);
  const apiKeys = lambdaApiKeys(options);
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
