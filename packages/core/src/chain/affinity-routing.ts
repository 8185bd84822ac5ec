import type { BedrockHAOptions, RequestOptions } from '../bedrock-ha-api.js';
import type { Demand } from '../capacity/token-estimate.js';
import type { EndpointState } from '../policies/endpoint-policies.js';
import { type AffinityOptions, AffinityTable } from './affinity.js';
import type { Chain, Endpoint } from './endpoint.js';
import { withAffinity } from './routing.js';

/** Prompt-cache affinity as the engine applies it: each request's key, its order, what served it. */
export class AffinityRouting {
  /** Which endpoint each key belongs to; `undefined` while affinity is off. */
  readonly table: AffinityTable | undefined;

  constructor(
    options: AffinityOptions | false,
    private readonly keyOf: BedrockHAOptions['affinityKey'],
    now: () => number,
  ) {
    this.table = options ? new AffinityTable(options, now) : undefined;
  }

  /** The request's key, on a chain that routes by weight or latency while affinity is on. */
  keyFor(chain: Chain, input: unknown, request: RequestOptions): string | undefined {
    if (!this.table || chain.routing === 'ordered') return undefined;
    return request.affinityKey || this.keyOf?.({ chain: chain.name, input }) || undefined;
  }

  /** `order` with the key's home (or stand-in) first, when it is ready; see {@link withAffinity}. */
  order(
    chain: Chain,
    key: string | undefined,
    order: readonly Endpoint[],
    states: ReadonlyMap<string, EndpointState>,
    demand: Demand | undefined,
  ): readonly Endpoint[] {
    if (key === undefined || !this.table) return order;
    return withAffinity(chain, order, this.table.preference(chain.name, key), states, demand);
  }

  /** Records the endpoint that served the key (nothing without one). */
  served(chain: Chain, key: string | undefined, endpoint: Endpoint): void {
    if (key !== undefined) this.table?.served(chain.name, key, endpoint.id);
  }
}
