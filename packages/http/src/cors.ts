import type { GatewayRequestHead, GatewayResponse } from './gateway-api.js';

/** Cross-origin access for browser clients, off unless configured (see {@link GatewayOptions.cors}). */
export interface CorsOptions {
  /**
   * Origins whose pages may call the gateway, exactly as browsers send them in `Origin`
   * (`https://app.example.com`, `http://localhost:5173`), or `*` for any origin. Browsers still
   * need an API key; `*` only suits a gateway whose keys a browser may hold.
   */
  readonly allowedOrigins: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. Default 600. */
  readonly maxAgeSeconds?: number;
}

/** What the gateway does with CORS: answer preflights and mark responses to allowed origins. */
export interface Cors {
  /** The answer to a preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`), else `undefined`. */
  preflight(request: GatewayRequestHead): GatewayResponse | undefined;
  /** A response with the CORS headers its request's origin gets (none for no or another origin). */
  decorate(request: GatewayRequestHead, response: GatewayResponse): GatewayResponse;
}

// The gateway's own headers a page may read: who served it, the ids, Bedrock's metadata headers.
const EXPOSED = [
  'x-request-id',
  'x-amzn-requestid',
  'x-amzn-errortype',
  'x-bedrock-ha-endpoint',
  'x-bedrock-ha-region',
  'x-bedrock-ha-attempts',
  'x-amzn-bedrock-content-type',
  'x-amzn-bedrock-input-token-count',
  'x-amzn-bedrock-output-token-count',
  'x-amzn-bedrock-invocation-latency',
  'x-amzn-bedrock-performanceconfig-latency',
  'x-amzn-bedrock-service-tier',
  'retry-after',
].join(', ');
const METHODS = 'GET, POST, OPTIONS';
const ORIGIN = /^https?:\/\/[^/?#\s]+$/i;

/**
 * Validates CORS options (a `RangeError` naming the bad origin) and returns the gateway's CORS
 * behaviour, or `undefined` when no origin is allowed (then OPTIONS is answered as any other
 * unknown method: after the key check, with a 405).
 */
export function createCors(options: CorsOptions | undefined): Cors | undefined {
  if (!options || options.allowedOrigins.length === 0) return undefined;
  for (const origin of options.allowedOrigins) {
    if (origin !== '*' && !ORIGIN.test(origin)) {
      throw new RangeError(
        `cors.allowedOrigins: "${origin}" is not an origin; write scheme://host[:port] with no path, e.g. https://app.example.com, or * for any origin`,
      );
    }
  }
  const maxAge = options.maxAgeSeconds ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new RangeError(`cors.maxAgeSeconds must be a whole number of seconds; got ${maxAge}`);
  }
  const anyOrigin = options.allowedOrigins.includes('*');
  const allowed = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase()));
  const allowOrigin = (origin: string | undefined): Record<string, string> | undefined => {
    if (origin === undefined) return undefined;
    if (anyOrigin) return { 'access-control-allow-origin': '*' };
    // Echoing one origin of several: caches must key on it.
    return allowed.has(origin.toLowerCase())
      ? { 'access-control-allow-origin': origin, vary: 'origin' }
      : undefined;
  };

  return {
    preflight(request) {
      const origin = request.headers.origin;
      const method = request.headers['access-control-request-method'];
      if (request.method.toUpperCase() !== 'OPTIONS' || origin === undefined || method === undefined) {
        return undefined;
      }
      const allow = allowOrigin(origin);
      if (!allow) {
        // No allow headers: the browser fails the preflight. The body says why, for whoever looks.
        return {
          status: 403,
          headers: { 'content-type': 'text/plain; charset=utf-8', vary: 'origin' },
          body: `The origin ${origin} may not call this gateway; add it to the gateway's allowed CORS origins.`,
        };
      }
      const requested = request.headers['access-control-request-headers'];
      return {
        status: 204,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          ...allow,
          'access-control-allow-methods': METHODS,
          // Any header the page asks for (openai-node sends x-stainless-*): the key still decides.
          ...(requested ? { 'access-control-allow-headers': requested } : {}),
          'access-control-max-age': String(maxAge),
          vary: 'origin, access-control-request-method, access-control-request-headers',
        },
        body: '',
      };
    },
    decorate(request, response) {
      const allow = allowOrigin(request.headers.origin);
      if (!allow) return response;
      const vary = [response.headers.vary, allow.vary].filter(Boolean).join(', ');
      return {
        ...response,
        headers: {
          ...response.headers,
          ...allow,
          'access-control-expose-headers': EXPOSED,
          ...(vary && { vary }),
        },
      };
    },
  };
}
