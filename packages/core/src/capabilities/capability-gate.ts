import type { Chain, Endpoint } from '../chain/endpoint.js';
import type { Strippable } from '../config/capabilities-schema.js';
import type { Operation } from '../telemetry/instrumentation.js';
import type { ModelCapabilities } from './model-capabilities.js';
import { type Feature, type NeedsScope, type RequestNeeds, scopedNeeds } from './request-needs.js';
import { stripFeatures } from './strip-features.js';

/** A capability a request may need and an endpoint lack: a {@link Feature}, or its context window. */
export type Capability = Feature | 'contextWindow';

/** How a request fits one endpoint. */
export interface Fit {
  /** What the request needs and the endpoint lacks: the endpoint is skipped when any. */
  readonly unsupported: readonly Capability[];
  /** Optional features the endpoint lacks that the chain strips from the request for it. */
  readonly stripped: readonly Strippable[];
}

const FITS: Fit = { unsupported: [], stripped: [] };

// "prompt is too long: 205000 tokens > 200000 maximum": how many tokens the endpoint counted.
const COUNTED = /(\d+)\s+tokens\s*>\s*\d+/i;

/**
 * What can exclude a request from one endpoint: the features its model lacks (a caller's service
 * tier when it names the tiers offered and sets none of its own) and its known context window.
 */
interface EndpointLimits {
  readonly lacks: ReadonlySet<Feature>;
  readonly window: number | undefined;
}

/** A chain's limits, worked out once: per endpoint, and the {@link NeedsScope} they add up to. */
interface ChainLimits {
  readonly endpoints: ReadonlyMap<string, EndpointLimits>;
  readonly scope: NeedsScope;
}

const LIMITS = new WeakMap<Chain, ChainLimits>();
const FEATURES: readonly Exclude<Feature, 'serviceTier'>[] = [
  'tools',
  'images',
  'documents',
  'structuredOutput',
  'performanceConfig',
  'cachePoint',
];

function limitsOf(chain: Chain): ChainLimits {
  let limits = LIMITS.get(chain);
  if (limits) return limits;
  const endpoints = new Map<string, EndpointLimits>();
  const features = new Set<Feature>();
  let window: number | undefined;
  for (const endpoint of chain.endpoints) {
    const capabilities = endpoint.capabilities ?? {};
    const lacks: Feature[] = FEATURES.filter((feature) => capabilities[feature] === false);
    if (capabilities.serviceTiers !== undefined && endpoint.serviceTier === undefined)
      lacks.push('serviceTier');
    for (const feature of lacks) features.add(feature);
    const known = capabilities.contextWindow;
    if (known !== undefined) window = Math.min(window ?? known, known);
    endpoints.set(endpoint.id, { lacks: new Set(lacks), window: known });
  }
  limits = { endpoints, scope: { features, window } };
  LIMITS.set(chain, limits);
  return limits;
}

/**
 * The request's gate, or `undefined` when no endpoint of the chain can be excluded (no feature
 * lacking, no context window known): then nothing about the request is worked out at all.
 */
export function capabilityGate(
  chain: Chain,
  operation: Operation,
  input: unknown,
): CapabilityGate | undefined {
  const limits = limitsOf(chain);
  if (limits.scope.features.size === 0 && limits.scope.window === undefined) return undefined;
  return new CapabilityGate(chain, operation, input, limits);
}

/**
 * One request's view of its chain's capabilities: which endpoints can serve it (or serve it once
 * optional features are stripped), and, once an endpoint refused it as too long, that only a larger
 * context window will do. Unknown capabilities never make an endpoint unfit. What the request
 * needs is worked out once, at the first endpoint that could exclude it, and only as far as the
 * chain's endpoints differ ({@link scopedNeeds}).
 */
export class CapabilityGate {
  private known: RequestNeeds | undefined;
  /** The least context window the request is known to need, from the refusals so far. */
  private neededWindow = 0;

  constructor(
    private readonly chain: Chain,
    private readonly operation: Operation,
    private readonly input: unknown,
    private readonly limits: ChainLimits = limitsOf(chain),
  ) {}

  /** What the request needs, as far as its chain's endpoints tell apart. */
  get needs(): RequestNeeds {
    this.known ??= scopedNeeds(this.operation, this.input, this.limits.scope);
    return this.known;
  }

  /** How the request fits `endpoint`. */
  fit(endpoint: Endpoint): Fit {
    const limits = this.limits.endpoints.get(endpoint.id);
    // An endpoint that lacks nothing and knows no window takes any request: nothing to work out.
    if (limits === undefined || (limits.lacks.size === 0 && limits.window === undefined)) return FITS;
    const capabilities = endpoint.capabilities ?? {};
    const unsupported: Capability[] = [];
    const stripped: Strippable[] = [];
    const strip = this.chain.stripUnsupported ?? [];
    const needs = this.needs;
    for (const feature of needs.features) {
      if (!limits.lacks.has(feature) || !lacks(capabilities, feature, needs, endpoint)) continue;
      if ((strip as readonly string[]).includes(feature)) stripped.push(feature as Strippable);
      else unsupported.push(feature);
    }
    const window = limits.window;
    const needed = Math.max(needs.textTokens + (needs.maxTokens ?? 0), this.neededWindow);
    if (window !== undefined && needed > window) unsupported.push('contextWindow');
    return unsupported.length === 0 && stripped.length === 0 ? FITS : { unsupported, stripped };
  }

  /** The request as `endpoint` gets it: without the optional features the chain strips for it. */
  inputFor<I>(endpoint: Endpoint, input: I): I {
    return stripFeatures(this.operation, input, this.fit(endpoint).stripped);
  }

  /**
   * `endpoint` refused the request as longer than its context window: from now on only an
   * endpoint with a larger window (or one whose window is unknown) is tried. The token count in
   * the refusal, when it gives one, sets the least window needed too.
   */
  outgrew(endpoint: Endpoint, error: unknown): void {
    const window = endpoint.capabilities?.contextWindow;
    if (window !== undefined) this.neededWindow = Math.max(this.neededWindow, window + 1);
    const message = error instanceof Error ? error.message : '';
    const counted = COUNTED.exec(message)?.[1];
    if (counted !== undefined) this.neededWindow = Math.max(this.neededWindow, Number(counted));
  }
}

/** The request as `endpoint` gets it under `chain`: for a resumed stream's new input. */
export function inputForEndpoint<I>(chain: Chain, operation: Operation, input: I, endpoint: Endpoint): I {
  if (!chain.stripUnsupported?.length) return input;
  return capabilityGate(chain, operation, input)?.inputFor(endpoint, input) ?? input;
}

function lacks(
  capabilities: ModelCapabilities,
  feature: Feature,
  needs: RequestNeeds,
  endpoint: Endpoint,
): boolean {
  if (feature !== 'serviceTier') return capabilities[feature] === false;
  // The endpoint's own tier replaces the caller's; every model serves the default tier.
  if (endpoint.serviceTier !== undefined || needs.serviceTier === 'default') return false;
  const offered = capabilities.serviceTiers as readonly string[] | undefined;
  return offered !== undefined && !offered.includes(needs.serviceTier ?? '');
}
