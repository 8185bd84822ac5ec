import type { Demand } from '../capacity/token-estimate.js';
import type { Random } from '../policies/backoff.js';
import type { EndpointState } from '../policies/endpoint-policies.js';
import type { AffinityPreference } from './affinity.js';
import type { Chain, Endpoint } from './endpoint.js';
import type { LatencyStats } from './latency-stats.js';

/**
 * Share of adaptive picks that go to the endpoint measured longest ago instead of the best one,
 * so that the estimates of the others stay fresh and a recovered endpoint is noticed.
 */
export const ADAPTIVE_EXPLORATION_RATE = 0.05;

/**
 * The order a request tries a chain's endpoints in. `ordered`: as configured, so traffic returns
 * to the first endpoint as soon as it answers. `weighted`: the first pick is random by weight among
 * the healthy endpoints. `adaptive`: the first pick is the better of two random healthy endpoints
 * by {@link LatencyStats.score} (power of two choices), or, for {@link ADAPTIVE_EXPLORATION_RATE}
 * of requests, the healthy endpoint measured longest ago. Either way the others follow in
 * configured order as failover. Healthy: its breaker closed, not parked (daily quota spent), and
 * room now in its capacity for `demand`, when it manages its capacity.
 */
export function endpointOrder(
  chain: Chain,
  states: ReadonlyMap<string, EndpointState>,
  random: Random,
  stats?: LatencyStats,
  demand?: Demand,
): readonly Endpoint[] {
  if (chain.routing === 'ordered' || chain.endpoints.length < 2) return chain.endpoints;
  const healthy = chain.endpoints.filter((endpoint) => isHealthy(states.get(endpoint.id), demand));
  const pool = healthy.length > 0 ? healthy : chain.endpoints;
  const first =
    chain.routing === 'adaptive' && stats ? adaptivePick(pool, stats, random) : weightedPick(pool, random);
  return [first, ...chain.endpoints.filter((endpoint) => endpoint !== first)];
}

/** Whether an endpoint takes traffic now: breaker closed, not parked, room in its capacity. */
function isHealthy(state: EndpointState | undefined, demand: Demand | undefined): boolean {
  if (state?.breakerState !== 'closed' || state.parked) return false;
  return state.capacity?.hasRoom(demand) !== false;
}

function weightedPick(pool: readonly Endpoint[], random: Random): Endpoint {
  const total = pool.reduce((sum, endpoint) => sum + endpoint.weight, 0);
  let point = random() * total;
  for (const endpoint of pool) {
    point -= endpoint.weight;
    if (point < 0) return endpoint;
  }
  return pool.at(-1)!;
}

function adaptivePick(pool: readonly Endpoint[], stats: LatencyStats, random: Random): Endpoint {
  if (pool.length === 1) return pool[0]!;
  if (random() < ADAPTIVE_EXPLORATION_RATE) return stalest(pool, stats);
  const one = Math.floor(random() * pool.length);
  // A second index, never the first: uniform over the others.
  const other = (one + 1 + Math.floor(random() * (pool.length - 1))) % pool.length;
  const [earlier, later] = one < other ? [pool[one]!, pool[other]!] : [pool[other]!, pool[one]!];
  // A tie goes to the endpoint configured first.
  return stats.score(later.id) < stats.score(earlier.id) ? later : earlier;
}

function stalest(pool: readonly Endpoint[], stats: LatencyStats): Endpoint {
  let pick = pool[0]!;
  let oldest = Number.POSITIVE_INFINITY;
  for (const endpoint of pool) {
    const sampledAt = stats.estimate(endpoint.id).sampledAt ?? Number.NEGATIVE_INFINITY;
    if (sampledAt < oldest) {
      pick = endpoint;
      oldest = sampledAt;
    }
  }
  return pick;
}

/**
 * Puts a key's preferred endpoints at the front of `order`: its home, then the endpoint that served
 * it last while the home could not, each only while it is ready (see `isReady`); `order` unchanged
 * when neither is, or when the chain routes in order (which already keeps every request on the
 * first endpoint that can take it). Admission still checks capacity as the attempt starts: a home
 * found full then is skipped, not sent to, and the stand-in is next.
 */
export function withAffinity(
  chain: Chain,
  order: readonly Endpoint[],
  preference: AffinityPreference | undefined,
  states: ReadonlyMap<string, EndpointState>,
  demand?: Demand,
): readonly Endpoint[] {
  if (!preference || chain.routing === 'ordered') return order;
  const preferred = order.filter(
    (endpoint) =>
      (endpoint.id === preference.home || endpoint.id === preference.away) &&
      isReady(states.get(endpoint.id), demand),
  );
  if (preferred.length === 0) return order;
  if (preferred.length === 2 && preferred[0]!.id !== preference.home) preferred.reverse();
  return [...preferred, ...order.filter((endpoint) => !preferred.includes(endpoint))];
}

/**
 * Whether a key's endpoint can take it now: not parked, room for `demand` when it manages its
 * capacity, and its breaker closed, or open with its cool-down over (the attempt is its probe).
 */
function isReady(state: EndpointState | undefined, demand: Demand | undefined): boolean {
  if (!state || state.parked || state.capacity?.hasRoom(demand) === false) return false;
  const breaker = state.breakerState;
  return breaker === 'closed' || (breaker === 'open' && state.shared?.coolDownOver() === true);
}
