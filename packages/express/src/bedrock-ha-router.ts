import type { BedrockHA } from '@bedrock-ha/core';
import { createGateway, type Gateway, type GatewayOptions } from '@bedrock-ha/http';
import { serveGatewayRequest } from '@bedrock-ha/node';
import { type Request, type Response, Router } from 'express';

/** Options for {@link bedrockHARouter}: the gateway's (API keys, body limit, access log) and one of its own. */
export interface BedrockHARouterOptions extends GatewayOptions {
  /**
   * Answer every path, with the gateway's JSON 404 for unknown ones, instead of letting paths
   * outside `/v1/`, `/model/`, `/healthz` and `/readyz` fall through to the rest of the app. For an
   * app that is only the gateway. Default false.
   */
  readonly answerEveryPath?: boolean;
}

/** An Express router serving a bedrock-ha gateway, with `close()` to detach it from the engine. */
export interface BedrockHARouter extends Router {
  /** The gateway the router translates to. */
  readonly gateway: Gateway;
  /** Unsubscribes the gateway from the engine's events. Does not destroy the engine. */
  close(): void;
}

/**
 * The paths the gateway answers, relative to where the router is mounted. Everything under `/v1/`
 * and `/model/` is the gateway's (so an unknown OpenAI route gets an OpenAI-style 404); other paths
 * fall through to the rest of the app.
 */
const GATEWAY_PATHS = ['/v1/*path', '/model/*path', '/healthz', '/readyz'];

/**
 * An Express 5 router over a bedrock-ha engine: the OpenAI-compatible `POST /v1/chat/completions`
 * and `GET /v1/models`, the Bedrock-native `/model/{chain}/converse|converse-stream|invoke|
 * invoke-with-response-stream`, and `/healthz`, `/readyz`, `/v1/endpoints`. Mount it at any prefix,
 * before any body parser (it reads the raw body itself, up to `maxBodyBytes`).
 *
 * @example
 * app.use('/ai', bedrockHARouter(ha, { apiKeys: ['secret'] }));
 */
export function bedrockHARouter(ha: BedrockHA, options: BedrockHARouterOptions = {}): BedrockHARouter {
  const { answerEveryPath = false, ...gatewayOptions } = options;
  const gateway = createGateway(ha, gatewayOptions);
  const router = Router();
  const { onRequestLog } = gatewayOptions;
  const handler = (request: Request, response: Response) =>
    serveGatewayRequest(gateway, request, response, onRequestLog ? { onRequestLog } : {});
  if (answerEveryPath) router.use(handler);
  else router.all(GATEWAY_PATHS, handler);
  return Object.assign(router, { gateway, close: () => gateway.close() });
}
