import type { GatewayResponse } from './gateway-api.js';
import type { RouteHandler } from './routes.js';

function json(status: number, headers: Record<string, string>, body: unknown): GatewayResponse {
  return { status, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** `GET /healthz`: the process is up and answering. */
export const healthz: RouteHandler = (context) => json(200, context.headers(false), { status: 'ok' });

/**
 * `GET /readyz`: ready when every chain has at least one endpoint whose breaker is not open, so a
 * load balancer stops sending traffic that can only fail. It needs no key, so it names the chains
 * only to a caller with one (or when the gateway has no keys).
 */
export const readyz: RouteHandler = (context) => {
  const health = context.ha.health();
  const unavailable = context.ha.chains.filter(
    (chain) => !health.some((endpoint) => endpoint.chains.includes(chain) && endpoint.breaker !== 'open'),
  );
  if (unavailable.length === 0) return json(200, context.headers(false), { status: 'ready' });
  if (!context.authenticated) {
    return json(503, context.headers(false), {
      status: 'unavailable',
      message: 'A chain has no endpoint with a closed or half-open breaker; send an API key to see which.',
    });
  }
  return json(503, context.headers(false), {
    status: 'unavailable',
    message: `No endpoint with a closed or half-open breaker for: ${unavailable.join(', ')}.`,
    chains: unavailable,
  });
};

/** `GET /v1/endpoints`: every endpoint's health plus its error rate over the recent window. */
export const endpoints: RouteHandler = (context, services) =>
  json(200, context.headers(false), {
    object: 'list',
    data: context.ha
      .health()
      .map((endpoint) => ({ ...endpoint, recent: services.stats.of(endpoint.endpointId) })),
  });
