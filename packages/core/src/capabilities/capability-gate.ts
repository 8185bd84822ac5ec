import type { Chain, Endpoint } from '../chain/endpoint.js';
import type { Strippable } from '../config/capabilities-schema.js';
import type { Operation } from '../telemetry/instrumentation.js';
import type { ModelCapabilities } from './model-capabilities.js';
import { type Feature, type RequestNeeds, requestNeeds } from './request-needs.js';
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
 * One request's view of its chain's capabilities: which endpoints can serve it (or serve it once
 * optional features are stripped), and, once an endpoint refused it as too long, that only a larger
 * context window will do. Unknown capabilities never make an endpoint unfit.
 */
export class CapabilityGate {
  readonly needs: RequestNeeds;
  /** The least context window the request is known to need, from the refusals so far. */
  private neededWindow = 0;

  constructor(
    private readonly chain: Chain,
    private readonly operation: Operation,
    input: unknown,
  ) {
    this.needs = requestNeeds(operation, input);
  }

  /** How the request fits `endpoint`. */
  fit(endpoint: Endpoint): Fit {
    const capabilities = endpoint.capabilities ?? {};
    const unsupported: Capability[] = [];
    const stripped: Strippable[] = [];
    const strip = this.chain.stripUnsupported ?? [];
    for (const feature of this.needs.features) {
      if (!lacks(capabilities, feature, this.needs, endpoint)) continue;
      if ((strip as readonly string[]).includes(feature)) stripped.push(feature as Strippable);
      else unsupported.push(feature);
    }
    const window = capabilities.contextWindow;
    const needed = Math.max(this.needs.textTokens + (this.needs.maxTokens ?? 0), this.neededWindow);
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
  return new CapabilityGate(chain, operation, input).inputFor(endpoint, input);
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
