import type { BedrockHA } from '@bedrock-ha/core';
import { createAuthenticator } from './auth.js';
import { createCors } from './cors.js';
import { EndpointStats } from './endpoint-stats.js';
import { errorFormatOf, errorResponse } from './error-bodies.js';
import { describeFailure, invalidRequest } from './failure.js';
import type {
  Gateway,
  GatewayError,
  GatewayOptions,
  GatewayRequest,
  GatewayResponse,
} from './gateway-api.js';
import { bodyByteLength, payloadTooLarge } from './request-body.js';
import { RequestContext } from './request-context.js';
import { matchRoute } from './routes.js';

/** The default body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Creates the framework-free HTTP front end of an engine: OpenAI-compatible chat completions,
 * Bedrock-native routes the AWS SDK can call, health routes, API-key auth and error bodies in
 * each API's own format. Adapters (Express, Lambda) only translate requests and responses.
 */
export function createGateway(ha: BedrockHA, options: GatewayOptions = {}): Gateway {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive integer of bytes; got ${maxBodyBytes}`);
  }
  const authenticate = createAuthenticator(options.apiKeys);
  const stats = new EndpointStats(ha);
  const onRequestLog = options.onRequestLog ?? (() => {});
  const cors = createCors(options.cors);

  async function handle(request: GatewayRequest): Promise<GatewayResponse> {
    const context = new RequestContext(request, ha, onRequestLog);
    // A browser's preflight carries no key; it is answered before the key check.
    const preflight = cors?.preflight(request);
    if (preflight) {
      context.route = 'OPTIONS (CORS preflight)';
      context.writeLog(preflight.status);
      return { ...preflight, headers: { ...context.headers(false), ...preflight.headers } };
    }
    const bedrock = errorFormatOf(request.path) === 'bedrock';
    let response: GatewayResponse;
    try {
      const route = matchRoute(request.method, request.path);
      context.route = route.name;
      // Before the route runs, even a 404: its body lists the routes, and only a caller with a
      // key may learn them (or chain names).
      const denied = authenticate(request.headers);
      context.authenticated = denied === undefined;
      if (denied && !route.public) throw denied;
      context.params = route.params;
      if (bodyByteLength(request.body) > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
      response = await route.handler(context, { stats });
    } catch (error) {
      const failure = describeFailure(error, request.signal);
      const headers = { ...context.headers(bedrock), ...context.failed(failure) };
      response = errorResponse(bedrock ? 'bedrock' : 'openai', failure, headers);
    }
    if (!context.logDeferred) context.writeLog(response.status);
    return response;
  }

  return {
    maxBodyBytes,
    handle: async (request) => {
      try {
        const response = await handle(request);
        return cors ? cors.decorate(request, response) : response;
      } catch {
        // handle() already turns every failure into a response; this guards the contract.
        return errorResponse(errorFormatOf(request.path), describeFailure(new Error('unexpected')), {});
      }
    },
    errorResponse(path: string, error: GatewayError): GatewayResponse {
      const failure = describeFailure(
        error.kind === 'payload-too-large'
          ? payloadTooLarge(error.limitBytes)
          : invalidRequest(error.message),
      );
      const context = new RequestContext(
        { method: 'POST', path, headers: {}, body: undefined },
        ha,
        () => {},
      );
      const bedrock = errorFormatOf(path) === 'bedrock';
      return errorResponse(bedrock ? 'bedrock' : 'openai', failure, context.headers(bedrock));
    },
    close() {
      stats.dispose();
    },
  };
}
