import { ADMIN_PREFIX, type AdminApi, serveAdmin } from './admin.js';
import type { SimulatorContext } from './context.js';
import { matchControlPlane, serveControlPlane } from './control-plane/serve-control-plane.js';
import { SimulatedError } from './errors.js';
import { Exchange } from './exchange.js';
import type { RequestHandler } from './listener.js';
import { serveLogged } from './logged-request.js';
import type { RuntimeOperation } from './operations.js';
import { regionOf } from './region.js';
import { serveRuntime } from './runtime/serve-runtime.js';

const RUNTIME_PATHS: Record<string, RuntimeOperation> = {
  converse: 'Converse',
  'converse-stream': 'ConverseStream',
  invoke: 'InvokeModel',
  'invoke-with-response-stream': 'InvokeModelWithResponseStream',
};

/** The request handlers, and a way to wait for the requests they are still serving. */
export interface Router {
  /** Handler of the main port: the region of each request comes from its SigV4 scope. */
  handle: RequestHandler;
  /** Handler of a region's own port: every request there belongs to `region`. */
  handleRegion(region: string): RequestHandler;
  /** Resolves once every request received so far has been answered (or dropped) and logged. */
  settled(): Promise<void>;
}

/**
 * Routes each request: `/model/{modelId}/{operation}` to the runtime, control-plane paths to the
 * control plane, the reserved admin prefix to the admin API. Anything else is an
 * UnknownOperationException, as Bedrock answers.
 */
export function createRouter(context: SimulatorContext, admin: AdminApi): Router {
  const inFlight = new Set<Promise<void>>();
  const serve = (exchange: Exchange) => {
    const served = dispatch(context, admin, exchange)
      .catch((error: unknown) => {
        exchange.error(new SimulatedError('InternalServerException', `simulator error: ${String(error)}`));
      })
      .finally(() => inFlight.delete(served));
    inFlight.add(served);
  };
  return {
    handle(request, response) {
      serve(new Exchange(request, response, regionOf(request.headers, context.options.defaultRegion)));
    },
    handleRegion: (region) => (request, response) => serve(new Exchange(request, response, region)),
    async settled() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function dispatch(context: SimulatorContext, admin: AdminApi, exchange: Exchange): Promise<void> {
  const { path, method } = exchange;
  if (path.startsWith(ADMIN_PREFIX)) return serveAdmin(admin, exchange);

  // Split first, then decode each segment: model ids and ARNs arrive with `:` and `/` escaped.
  const segments = path.split('/');
  if (segments[1] === 'model' && segments.length === 4 && method === 'POST') {
    const operation = RUNTIME_PATHS[segments[3]!];
    const modelId = safeDecode(segments[2]!);
    if (operation && modelId !== undefined) return serveRuntime(context, exchange, operation, modelId);
  }

  const route = matchControlPlane(method, segments.map(safeDecode));
  if (route) return serveControlPlane(context, exchange, route);

  return serveLogged(context, exchange, { operation: 'Unknown', model: '' }, () => {
    throw new SimulatedError('UnknownOperationException', `No operation matches ${method} ${path}.`);
  });
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
