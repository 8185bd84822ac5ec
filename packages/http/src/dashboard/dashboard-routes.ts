import { RequestFailure } from '../failure.js';
import type { GatewayResponse } from '../gateway-api.js';
import type { RouteHandler } from '../routes.js';
import { HISTORY_SECONDS } from './dashboard-history.js';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page.js';

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/** `GET /dashboard`: the live dashboard page, every asset inline. */
export const dashboardPage: RouteHandler = (context, services) => {
  if (!services.dashboard) throw notServed('/dashboard', 'the gateway was created with `dashboard: false`');
  return {
    status: 200,
    headers: {
      ...context.headers(false),
      ...NO_STORE,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': DASHBOARD_CSP,
      'referrer-policy': 'no-referrer',
    },
    body: DASHBOARD_HTML,
  };
};

/** `GET /dashboard/data`: what the page draws, as JSON (health, recent stats, history). */
export const dashboardData: RouteHandler = (context, services) => {
  const history = services.dashboard;
  if (!history) throw notServed('/dashboard/data', 'the gateway was created with `dashboard: false`');
  const latency = history.latency();
  const data = {
    now: Date.now(),
    startedAt: history.startedAt,
    historySeconds: HISTORY_SECONDS,
    chains: context.ha.chains,
    endpoints: context.ha.health().map((endpoint) => ({
      ...endpoint,
      recent: services.stats.of(endpoint.endpointId),
      latency: latency[endpoint.endpointId] ?? null,
    })),
    transitions: history.transitions,
    traffic: history.traffic,
    failoversByReason: history.failoversByReason,
    failoverRoutes: history.failoverRoutes,
  };
  return json(context.headers(false), data);
};

/** `GET /metrics`: the Prometheus text format, when the gateway was given a `metrics` source. */
export const metricsRoute: RouteHandler = async (context, services) => {
  if (!services.metrics)
    throw notServed(
      '/metrics',
      'the gateway was created without a `metrics` source (see GatewayOptions.metrics)',
    );
  const text = await services.metrics();
  return {
    status: 200,
    headers: {
      ...context.headers(false),
      ...NO_STORE,
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    },
    body: text,
  };
};

function json(headers: Record<string, string>, body: unknown): GatewayResponse {
  return {
    status: 200,
    headers: { ...headers, ...NO_STORE, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function notServed(path: string, why: string): RequestFailure {
  return new RequestFailure({
    status: 404,
    message: `${path} is not served: ${why}.`,
    bedrockName: 'UnknownOperationException',
    openaiType: 'invalid_request_error',
    code: 'unknown_route',
    param: null,
    errorName: 'NotFound',
  });
}
