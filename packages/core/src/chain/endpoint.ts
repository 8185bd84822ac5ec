import type { ModelCapabilities } from '../capabilities/model-capabilities.js';
import type { Capacity } from '../capacity/declared-capacity.js';
import type { Strippable } from '../config/capabilities-schema.js';
import type { ClientConfig } from '../config/config-schema.js';
import type { BreakerConfig } from '../config/policy-schema.js';
import type { ServiceTier } from '../config/service-tier-schema.js';

/** How an endpoint is billed and served. */
export type EndpointKind = 'provisioned' | 'on-demand' | 'inference-profile';

/** A resilience policy with every default filled in. */
export interface Policy {
  retry: {
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    provisionedThrottling: 'failover' | 'retry';
  };
  breaker: BreakerConfig;
  timeouts: { attemptMs: number; firstTokenMs: number; idleMs: number };
  bulkhead: { maxConcurrent: number; maxQueued: number } | false;
  /** When the daily quota window resets: a UTC `HH:MM` within windows of `windowMs`. */
  dailyQuota: { resetsAt: string; windowMs: number };
}

/** An endpoint after validation: kind and region known, policy merged from every level. */
export interface Endpoint {
  readonly id: string;
  readonly kind: EndpointKind;
  readonly region: string;
  readonly modelId: string;
  /** Bedrock's service tier sent with every request, if set. */
  readonly serviceTier?: ServiceTier;
  readonly weight: number;
  readonly policy: Policy;
  readonly client: ClientConfig;
  /** What the endpoint can take, when its config declares (or learns) it. */
  readonly capacity?: Capacity | undefined;
  /** What its model can take: bedrock-ha's table for the model, overridden by the config. */
  readonly capabilities?: ModelCapabilities | undefined;
}

/** Which endpoint served a request: what results, errors and events report. */
export interface EndpointRef {
  readonly endpointId: string;
  readonly region: string;
  readonly kind: EndpointKind;
  readonly modelId: string;
  /** The service tier the endpoint asks for, when it sets one. */
  readonly serviceTier?: ServiceTier;
}

/** A chain after validation. */
export interface Chain {
  readonly name: string;
  readonly endpoints: readonly Endpoint[];
  readonly routing: 'ordered' | 'weighted' | 'adaptive';
  readonly deadlineMs: number | undefined;
  readonly resume: boolean;
  /** Start a second lane after this long without an answer; `undefined`: no hedging. */
  readonly hedgeAfterMs: number | undefined;
  /** Optional request features removed for an endpoint that lacks them, instead of skipping it. */
  readonly stripUnsupported?: readonly Strippable[] | undefined;
}

/** The plain reference to an endpoint that results and events carry. */
export function endpointRef(endpoint: Endpoint): EndpointRef {
  const { id, region, kind, modelId, serviceTier } = endpoint;
  return serviceTier === undefined
    ? { endpointId: id, region, kind, modelId }
    : { endpointId: id, region, kind, modelId, serviceTier };
}

const ARN = /^arn:aws[\w-]*:bedrock:([a-z0-9-]*):\d*:([\w-]+)\/(.+)$/;
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\.[a-z]/;

/** What a model id says about itself: its kind, and its region when it is an ARN. */
export function parseModelId(modelId: string): { kind?: EndpointKind; region?: string } {
  const arn = ARN.exec(modelId);
  if (arn) {
    const [, region, resource] = arn;
    const named = region || undefined;
    if (resource === 'provisioned-model') return { kind: 'provisioned', region: named };
    if (resource === 'inference-profile' || resource === 'application-inference-profile')
      return { kind: 'inference-profile', region: named };
    if (resource === 'foundation-model') return { kind: 'on-demand', region: named };
    return { region: named };
  }
  return { kind: PROFILE_PREFIX.test(modelId) ? 'inference-profile' : 'on-demand' };
}
