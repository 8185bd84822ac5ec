import {
  bedrockConverse,
  bedrockConverseStream,
  bedrockInvoke,
  bedrockInvokeStream,
} from './bedrock-routes.js';
import type { DashboardHistory } from './dashboard/dashboard-history.js';
import { dashboardData, dashboardPage, metricsRoute } from './dashboard/dashboard-routes.js';
import type { EndpointStats } from './endpoint-stats.js';
import { invalidRequest, RequestFailure } from './failure.js';
import type { GatewayResponse } from './gateway-api.js';
import { endpoints, healthz, readyz } from './health-routes.js';
import { chatCompletions, models } from './openai-routes.js';
import type { RequestContext } from './request-context.js';

/** What the gateway shares with its routes. */
export interface RouteServices {
  readonly stats: EndpointStats;
  /** The live dashboard's history; absent with `dashboard: false`. */
  readonly dashboard?: DashboardHistory | undefined;
  /** Renders the Prometheus text format; absent unless the gateway was given one. */
  readonly metrics?: (() => Promise<string>) | undefined;
}

/** Answers one matched request. */
export type RouteHandler = (
  context: RequestContext,
  services: RouteServices,
) => GatewayResponse | Promise<GatewayResponse>;

interface Route {
  readonly method: 'GET' | 'POST';
  /** `{chain}` matches one path segment, URL-decoded. */
  readonly template: string;
  /** Health checks answer without an API key, so load balancers need none. */
  readonly public?: boolean;
  /** A page a browser opens: its 401 asks for Basic credentials (the API key as the password). */
  readonly browser?: boolean;
  readonly handler: RouteHandler;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', template: '/healthz', public: true, handler: healthz },
  { method: 'GET', template: '/readyz', public: true, handler: readyz },
  { method: 'GET', template: '/v1/endpoints', handler: endpoints },
  { method: 'GET', template: '/metrics', handler: metricsRoute },
  { method: 'GET', template: '/dashboard', browser: true, handler: dashboardPage },
  { method: 'GET', template: '/dashboard/data', handler: dashboardData },
  { method: 'GET', template: '/v1/models', handler: models },
  { method: 'POST', template: '/v1/chat/completions', handler: chatCompletions },
  { method: 'POST', template: '/model/{chain}/converse', handler: bedrockConverse },
  { method: 'POST', template: '/model/{chain}/converse-stream', handler: bedrockConverseStream },
  { method: 'POST', template: '/model/{chain}/invoke', handler: bedrockInvoke },
  { method: 'POST', template: '/model/{chain}/invoke-with-response-stream', handler: bedrockInvokeStream },
];

interface CompiledRoute extends Route {
  /** `POST /v1/chat/completions`: the log's name of the route. */
  readonly name: string;
  readonly segments: readonly string[];
}

// Each template split and named once, not per request and route.
const COMPILED: readonly CompiledRoute[] = ROUTES.map((route) => ({
  ...route,
  name: `${route.method} ${route.template}`,
  segments: route.template.split('/'),
}));

/** A matched route: its name for the log, its handler, its path parameters. */
export interface RouteMatch {
  readonly name: string;
  readonly public: boolean;
  readonly browser?: boolean;
  readonly handler: RouteHandler;
  readonly params: Record<string, string>;
}

/**
 * Finds the route of a method and path. Never throws: an unknown path (404), a known path with
 * another method (405, with `allow`) or a path parameter that is not valid URL encoding (400)
 * gets a handler that throws that failure, so the gateway checks the API key first and only an
 * authenticated caller learns the routes. The path is split before its segments are decoded, as
 * the AWS SDK encodes a model id's `/` and `:` (an ARN) inside one segment.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const query = path.indexOf('?');
  const segments = (query === -1 ? path : path.slice(0, query)).split('/');
  const upperMethod = method.toUpperCase();
  const allowed: string[] = [];
  for (const route of COMPILED) {
    if (!matchesTemplate(route.segments, segments)) continue;
    if (route.method === upperMethod) {
      const { name } = route;
      const isPublic = route.public ?? false;
      const params = decodeParams(route.segments, segments);
      return params instanceof RequestFailure
        ? { name, public: isPublic, handler: failWith(params), params: {} }
        : { name, public: isPublic, browser: route.browser ?? false, handler: route.handler, params };
    }
    allowed.push(route.method);
  }
  const unmatched = (failure: RequestFailure): RouteMatch => ({
    name: 'unmatched',
    public: false,
    handler: failWith(failure),
    params: {},
  });
  if (allowed.length > 0) {
    return unmatched(
      new RequestFailure({
        status: 405,
        message: `${method} is not allowed on ${path}; use ${allowed.join(' or ')}.`,
        bedrockName: 'UnknownOperationException',
        openaiType: 'invalid_request_error',
        code: 'method_not_allowed',
        param: null,
        errorName: 'MethodNotAllowed',
        headers: { allow: allowed.join(', ') },
      }),
    );
  }
  return unmatched(
    new RequestFailure({
      status: 404,
      message: `No route ${method} ${path}. Routes: ${COMPILED.map((route) => route.name).join(', ')}.`,
      bedrockName: 'UnknownOperationException',
      openaiType: 'invalid_request_error',
      code: 'unknown_route',
      param: null,
      errorName: 'NotFound',
    }),
  );
}

function failWith(failure: RequestFailure): RouteHandler {
  return () => {
    throw failure;
  };
}

/** Whether the path's segments fit the template's: `{name}` takes any non-empty segment. */
function matchesTemplate(template: readonly string[], segments: readonly string[]): boolean {
  if (template.length !== segments.length) return false;
  for (let index = 0; index < template.length; index++) {
    const part = template[index]!;
    const segment = segments[index]!;
    if (part.startsWith('{') ? segment === '' : part !== segment) return false;
  }
  return true;
}

/** The template's `{name}` segments of a matching path, URL-decoded. */
function decodeParams(
  template: readonly string[],
  segments: readonly string[],
): Record<string, string> | RequestFailure {
  const params: Record<string, string> = {};
  for (let index = 0; index < template.length; index++) {
    const part = template[index]!;
    if (!part.startsWith('{')) continue;
    const segment = segments[index]!;
    try {
      params[part.slice(1, -1)] = decodeURIComponent(segment);
    } catch {
      return invalidRequest(
        `The path segment "${segment}" is not valid URL encoding; encode the chain name with encodeURIComponent.`,
      );
    }
  }
  return params;
}
