import { type Admission, throttleMessage } from '../capacity.js';
import type { SimulatorContext } from '../context.js';
import { SimulatedError, validationError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { RuntimeOperation } from '../operations.js';
import type { Prompt, Reply } from '../responder.js';
import type { Target } from '../target.js';
import { DEFAULT_TIER_SPEED, SERVICE_TIERS, type ServiceTierName } from './service-tier-options.js';

/** The request header InvokeModel carries the service tier in (and the response echoes it in). */
export const SERVICE_TIER_HEADER = 'x-amzn-bedrock-service-tier';

/** An admitted request: the tier that serves it, its hold on capacity, and its tier's behaviour. */
export interface Admitted {
  /** The tier that served, when the request named one (reserved overflow is served at `default`). */
  tier?: ServiceTierName;
  admission: Extract<Admission, { admitted: true }>;
  behaviour: Target['behaviour'];
}

/** The tier a request asks for: Converse's `serviceTier.type`, or InvokeModel's header. */
export function requestedTier(operation: RuntimeOperation, prompt: Prompt, exchange: Exchange): unknown {
  if (operation === 'Converse' || operation === 'ConverseStream') return prompt.serviceTier;
  const header = exchange.headers[SERVICE_TIER_HEADER];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Bedrock's admission: check the service tier, then reserve input + `maxTokens` (the model's
 * default maximum when unset) against the endpoint's quotas, or throw the error Bedrock gives.
 * priority, default and flex share the endpoint's quota; reserved draws on its reservation first
 * and spills to the shared quota, served at `default`.
 */
export function admit(
  context: SimulatorContext,
  target: Target,
  region: string,
  requested: unknown,
  prompt: Prompt,
  reply: Reply,
): Admitted {
  const tier = requested === undefined ? undefined : checkTier(context, target, region, requested);
  const output =
    context.options.quotas.reservation === 'actual'
      ? reply.outputTokens
      : (prompt.maxTokens ?? target.behaviour.defaultMaxTokens);
  const tokens = reply.inputTokens + output;
  let served = tier;
  let admission: Admission | undefined;
  if (tier === 'reserved') {
    const reservation = reservationFor(context, target, region)!;
    admission = context.capacity
      .limiter(`reserved:${region}:${target.quotaId}`, () => reservation)
      .tryAcquire(tokens, context.now());
    if (!admission.admitted) served = 'default';
  }
  if (!admission?.admitted)
    admission = context.capacity.limiter(target.capacityKey, target.quota).tryAcquire(tokens, context.now());
  if (!admission.admitted) throw new SimulatedError('ThrottlingException', throttleMessage(admission.reason));
  return { ...(served && { tier: served }), admission, behaviour: tierBehaviour(context, target, served) };
}

function checkTier(
  context: SimulatorContext,
  target: Target,
  region: string,
  requested: unknown,
): ServiceTierName {
  // The wording Bedrock gives a value outside its enum.
  if (!SERVICE_TIERS.includes(requested as ServiceTierName))
    throw validationError('service tier provided is invalid');
  const tier = requested as ServiceTierName;
  if (!supportedTiers(context, target, region).includes(tier)) {
    // Bedrock's wording for a valid tier the model does not offer is not documented; this one names both.
    throw validationError(
      `The service tier ${tier} is not supported for ${target.quotaId} in ${region}. Retry without serviceTier or with a supported tier.`,
    );
  }
  // What Bedrock answers the reserved tier without a reservation.
  if (tier === 'reserved' && !reservationFor(context, target, region))
    throw validationError('Reservation not found.');
  return tier;
}

function supportedTiers(
  context: SimulatorContext,
  target: Target,
  region: string,
): readonly ServiceTierName[] {
  const entry = context.options.serviceTiers.supported.find(
    (each) => each.model === target.quotaId && (each.region === undefined || each.region === region),
  );
  if (entry) return entry.tiers;
  return target.kind === 'provisioned' ? ['default'] : SERVICE_TIERS;
}

function reservationFor(context: SimulatorContext, target: Target, region: string) {
  return context.options.serviceTiers.reservations.find(
    (each) => each.model === target.quotaId && (each.region === undefined || each.region === region),
  );
}

function tierBehaviour(
  context: SimulatorContext,
  target: Target,
  tier: ServiceTierName | undefined,
): Target['behaviour'] {
  if (tier === undefined) return target.behaviour;
  const speed = { ...DEFAULT_TIER_SPEED[tier], ...context.options.serviceTiers.speed[tier] };
  return {
    ...target.behaviour,
    firstTokenMs: target.behaviour.firstTokenMs * speed.firstTokenFactor,
    tokensPerSecond: target.behaviour.tokensPerSecond * speed.tokensPerSecondFactor,
  };
}
