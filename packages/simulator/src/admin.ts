import type { Exchange } from './exchange.js';
import type { Simulator } from './simulator.js';
import { SimulatorConfigError } from './validation.js';

/** Path prefix of the admin API; no Bedrock path starts with it. */
export const ADMIN_PREFIX = '/_simulator/';

/** What the admin API can see and change: the in-process API, over HTTP. */
export type AdminApi = Omit<Simulator, 'url' | 'port' | 'close'>;

/**
 * The admin API, for tests and tools in other processes:
 *
 * | method and path | does |
 * |---|---|
 * | `GET /_simulator/health` | `{ "ok": true }` |
 * | `GET /_simulator/faults` | the fault rules with their counters |
 * | `POST /_simulator/faults` | adds a rule (JSON body); 201 `{ "id" }`, 400 with `problems` if invalid |
 * | `DELETE /_simulator/faults/{id}` | removes one rule; 404 if unknown |
 * | `DELETE /_simulator/faults` | removes every rule |
 * | `GET /_simulator/counters?region=&model=` | request and outcome counters |
 * | `GET /_simulator/requests` | the request log, oldest first |
 * | `GET /_simulator/capacity` | remaining capacity per endpoint |
 * | `GET /_simulator/provisioned-throughputs` | every Provisioned Throughput |
 * | `GET /_simulator/regions` | regions with a port of their own, their URLs, up or down |
 * | `POST /_simulator/regions/{region}/open` | opens the region's own port; `{ "url" }` |
 * | `POST /_simulator/regions/{region}/down` | refuses connections to the region's port |
 * | `POST /_simulator/regions/{region}/up` | reopens the region's port |
 * | `POST /_simulator/reset` | clears counters and log, refills capacity |
 * | `POST /_simulator/new-day` | starts a new tokens-per-day window now |
 */
export async function serveAdmin(api: AdminApi, exchange: Exchange): Promise<void> {
  const route = `${exchange.method} ${exchange.path.slice(ADMIN_PREFIX.length - 1).replace(/\/$/, '')}`;
  const regionAction = /^POST \/regions\/([^/]+)\/(open|down|up)$/.exec(route);
  if (regionAction)
    return changeRegion(api, exchange, decodeURIComponent(regionAction[1]!), regionAction[2]!);
  const faultId = /^DELETE \/faults\/(.+)$/.exec(route)?.[1];
  if (faultId !== undefined) {
    const removed = api.faults.remove(decodeURIComponent(faultId));
    return removed
      ? exchange.send(204, '')
      : exchange.json(404, { message: `no fault with id "${faultId}"` });
  }
  switch (route) {
    case 'GET /health':
      return exchange.json(200, { ok: true });
    case 'GET /faults':
      return exchange.json(200, { faults: api.faults.list() });
    case 'POST /faults':
      return addFault(api, exchange);
    case 'DELETE /faults':
      api.faults.clear();
      return exchange.send(204, '');
    case 'GET /counters': {
      const region = exchange.query.get('region') ?? undefined;
      const model = exchange.query.get('model') ?? undefined;
      return exchange.json(200, {
        counters: api.counters({ ...(region && { region }), ...(model && { model }) }),
      });
    }
    case 'GET /requests':
      return exchange.json(200, { requests: api.requests() });
    case 'GET /capacity':
      return exchange.json(200, { capacity: api.capacity() });
    case 'GET /provisioned-throughputs':
      return exchange.json(200, { provisionedThroughputs: api.provisionedThroughputs() });
    case 'GET /regions':
      return exchange.json(200, { regions: api.regions.list() });
    case 'POST /reset':
      api.reset();
      return exchange.send(204, '');
    case 'POST /new-day':
      api.newDay();
      return exchange.send(204, '');
    default:
      return exchange.json(404, {
        message: `unknown admin route ${exchange.method} ${exchange.path}; the admin API has: ${ROUTES.join(', ')}`,
        routes: ROUTES,
      });
  }
}

const ROUTES = [
  'GET /_simulator/health',
  'GET /_simulator/faults',
  'POST /_simulator/faults',
  'DELETE /_simulator/faults',
  'DELETE /_simulator/faults/{id}',
  'GET /_simulator/counters?region=&model=',
  'GET /_simulator/requests',
  'GET /_simulator/capacity',
  'GET /_simulator/provisioned-throughputs',
  'GET /_simulator/regions',
  'POST /_simulator/regions/{region}/open',
  'POST /_simulator/regions/{region}/down',
  'POST /_simulator/regions/{region}/up',
  'POST /_simulator/reset',
  'POST /_simulator/new-day',
];

async function addFault(api: AdminApi, exchange: Exchange): Promise<void> {
  let rule: unknown;
  try {
    rule = JSON.parse((await exchange.body()).toString('utf8'));
  } catch {
    return exchange.json(400, { message: 'the body must be a JSON fault rule', problems: [] });
  }
  try {
    return exchange.json(201, { id: api.faults.add(rule as never) });
  } catch (error) {
    if (error instanceof SimulatorConfigError)
      return exchange.json(400, { message: error.message, problems: error.problems });
    throw error;
  }
}

async function changeRegion(
  api: AdminApi,
  exchange: Exchange,
  region: string,
  action: string,
): Promise<void> {
  try {
    if (action === 'open') return exchange.json(200, { region, url: await api.regions.url(region) });
    await (action === 'down' ? api.regions.down(region) : api.regions.up(region));
    return exchange.send(204, '');
  } catch (error) {
    if (error instanceof SimulatorConfigError)
      return exchange.json(400, { message: error.message, problems: [] });
    throw error;
  }
}
