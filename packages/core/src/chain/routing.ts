import type { Random } from '../policies/backoff.js';
import type { EndpointState } from '../policies/endpoint-policies.js';
import type { Chain, Endpoint } from './endpoint.js';

/**
 * The order a request tries a chain's endpoints in. `ordered`: as configured, so traffic returns
 * to the first endpoint as soon as it answers. `weighted`: the first pick is random by weight among
 * the endpoints whose breaker is closed, and the others follow in configured order as failover.
 */
export function endpointOrder(
  chain: Chain,
  states: ReadonlyMap<string, EndpointState>,
  random: Random,
): readonly Endpoint[] {
  if (chain.routing === 'ordered' || chain.endpoints.length < 2) return chain.endpoints;
  const healthy = chain.endpoints.filter((endpoint) => states.get(endpoint.id)?.breakerState === 'closed');
  const pool = healthy.length > 0 ? healthy : chain.endpoints;
  const total = pool.reduce((sum, endpoint) => sum + endpoint.weight, 0);
  let point = random() * total;
  let first = pool.at(-1)!;
  for (const endpoint of pool) {
    point -= endpoint.weight;
    if (point < 0) {
      first = endpoint;
      break;
    }
  }
  return [first, ...chain.endpoints.filter((endpoint) => endpoint !== first)];
}
