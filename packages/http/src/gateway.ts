import type { BedrockHA } from '@bedrock-ha/core';
import { createAuthenticator, withBasicChallenge } from './auth.js';
import { createCors } from './cors.js';
import { DashboardRecorder } from './dashboard/dashboard-history.js';
import { EndpointStats } from './endpoint-stats.js';
import { errorFormatOf, errorResponse } from './error-bodies.js';
import { describeFailure, invalidRequest, overloaded } from './failure.js';
import type {
  Gateway,
  GatewayAdmission,
  GatewayError,
  GatewayOptions,
  GatewayRequest,
  GatewayRequestHead,
  GatewayResponse,
} from './gateway-api.js';
import { bodyByteLength, payloadTooLarge } from './request-body.js';
import { DEFAULT_AFFINITY_HEADER, RequestContext } from './request-context.js';
import { matchRoute, type RouteMatch } from './routes.js';

/** The default body limit: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The most a caller without a valid key may send to a public route (health checks take no body):
 * an adapter buffers no more than this for it.
 */
export const UNAUTHENTICATED_MAX_BODY_BYTES = 64 * 1024;

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
  const dashboard = options.dashboard === false ? undefined : new DashboardRecorder(ha);
  const services = { stats, dashboard, metrics: options.metrics };
  const onRequestLog = options.onRequestLog ?? (() => {});
  const affinityHeader = affinityHeaderOf(options.affinityHeader);
  const cors = createCors(options.cors);

  /**
   * What is decided from the method, path and headers alone: the route, and the API key (checked
   * before the route runs, even a 404: its body lists the routes, and only a caller with a key may
   * learn them or the chain names). Throws the 401.
   */
  function admit(context: RequestContext): RouteMatch {
    const route = matchRoute(context.request.method, context.request.path);
    context.route = route.name;
    const denied = authenticate(context.request.headers);
    context.authenticated = denied === undefined;
    if (denied && !route.public) throw route.browser ? withBasicChallenge(denied) : denied;
    context.params = route.params;
    return route;
  }

  /** A browser's preflight carries no key: it is answered before the key check. */
  function answerPreflight(context: RequestContext): GatewayResponse | undefined {
    const preflight = cors?.preflight(context.request);
    if (!preflight) return undefined;
    context.route = 'OPTIONS (CORS preflight)';
    context.writeLog(preflight.status);
    return { ...preflight, headers: { ...context.headers(false), ...preflight.headers } };
  }

  function failureResponse(context: RequestContext, error: unknown): GatewayResponse {
    const bedrock = errorFormatOf(context.request.path) === 'bedrock';
    const failure = describeFailure(error, context.request.signal);
    const headers = { ...context.headers(bedrock), ...context.failed(failure) };
    return errorResponse(bedrock ? 'bedrock' : 'openai', failure, headers);
  }

  async function handle(request: GatewayRequest): Promise<GatewayResponse> {
    const context = new RequestContext(request, ha, onRequestLog, affinityHeader);
    const preflight = answerPreflight(context);
    if (preflight) return preflight;
    let response: GatewayResponse;
    try {
      const route = admit(context);
      if (bodyByteLength(request.body) > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
      response = await route.handler(context, services);
    } catch (error) {
      response = failureResponse(context, error);
    }
    if (!context.logDeferred) context.writeLog(response.status);
    return response;
  }

  function authorize(request: GatewayRequestHead): GatewayAdmission {
    const context = new RequestContext({ ...request, body: undefined }, ha, onRequestLog);
    const preflight = answerPreflight(context);
    if (preflight) return { kind: 'answer', response: preflight };
    try {
      admit(context);
    } catch (error) {
      const response = failureResponse(context, error);
      context.writeLog(response.status);
      // An allowed page must be able to read its 401.
      return { kind: 'answer', response: cors ? cors.decorate(request, response) : response };
    }
    const limit = context.authenticated
      ? maxBodyBytes
      : Math.min(maxBodyBytes, UNAUTHENTICATED_MAX_BODY_BYTES);
    return { kind: 'read-body', maxBodyBytes: limit };
  }

  return {
    maxBodyBytes,
    authorize,
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
          : error.kind === 'overloaded'
            ? overloaded(error.maxInFlight, error.message)
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
      dashboard?.dispose();
    },
  };
}

/** The affinity header's name in lower case, as headers arrive; a name that is no header is a RangeError. */
function affinityHeaderOf(name: string | undefined): string {
  if (name === undefined) return DEFAULT_AFFINITY_HEADER;
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
    throw new RangeError(
      `affinityHeader "${name}" is not a header name: use letters, digits and - (e.g. x-session-id)`,
    );
  return name.toLowerCase();
}
