import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BedrockHA } from '@bedrock-ha/core';
import {
  createGateway,
  type Gateway,
  type GatewayError,
  type GatewayOptions,
  type GatewayRequest,
} from '@bedrock-ha/http';
import { type Request, type Response, Router } from 'express';
import { readRequestBody } from './read-request-body.js';
import { writeGatewayResponse } from './write-gateway-response.js';

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
  const handler = (request: Request, response: Response) =>
    serve(gateway, request, response, gatewayOptions.onRequestLog);
  if (answerEveryPath) router.use(handler);
  else router.all(GATEWAY_PATHS, handler);
  return Object.assign(router, { gateway, close: () => gateway.close() });
}

/** Translates one request to the gateway and its answer back. */
async function serve(
  gateway: Gateway,
  request: IncomingMessage,
  response: ServerResponse,
  onRequestLog: GatewayOptions['onRequestLog'],
): Promise<void> {
  const started = performance.now();
  const method = request.method ?? 'GET';
  // The mount prefix is already stripped from `url`; the path stays percent-encoded, as the gateway
  // splits it before decoding (a model ARN's `/` arrives as `%2F`).
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const disconnected = abortOnDisconnect(response);
  // Failures met before the gateway runs: answered in its format, and logged as it logs its own.
  const refuse = async (error: GatewayError, reason: string) => {
    const answer = gateway.errorResponse(path, error);
    await writeGatewayResponse(response, answer);
    onRequestLog?.({
      requestId: answer.headers['x-request-id'] ?? '',
      method,
      route: `${method} ${path}`,
      status: answer.status,
      durationMs: performance.now() - started,
      error: { name: 'RequestBodyError', message: reason },
    });
  };
  try {
    const read = await readRequestBody(request, gateway.maxBodyBytes);
    if (read.kind === 'too-large') {
      const limitBytes = gateway.maxBodyBytes;
      await refuse({ kind: 'payload-too-large', limitBytes }, `the body is larger than ${limitBytes} bytes`);
      return;
    }
    if (read.kind === 'failed') {
      if (disconnected.signal.aborted) return;
      await refuse({ kind: 'bad-request', message: read.message }, read.message);
      return;
    }
    const gatewayRequest: GatewayRequest = {
      method,
      path,
      headers: headersOf(request),
      body: read.body,
      signal: disconnected.signal,
    };
    await writeGatewayResponse(response, await gateway.handle(gatewayRequest));
  } finally {
    disconnected.dispose();
  }
}

/** An abort signal for the upstream call that fires when the client goes away before the answer is done. */
function abortOnDisconnect(response: ServerResponse) {
  const controller = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) controller.abort(new Error('The client closed the connection.'));
  };
  response.on('close', onClose);
  return { signal: controller.signal, dispose: () => response.off('close', onClose) };
}

/** Node's headers (already lower case) with repeated ones joined, as the gateway expects. */
function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}
