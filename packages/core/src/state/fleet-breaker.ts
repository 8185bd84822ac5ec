import type { BreakerConfig } from '../config/policy-schema.js';

/** How long a fleet's failure count is kept after its last failure (ms). */
export const FAILURE_MEMORY_MS = 60_000;

/**
 * How the fleet's breaker acts as one: failures in a row counted across every engine on the store,
 * and the cool-down a failed probe grows.
 */
export interface FleetBreaker {
  /** Failures in a row, across the fleet, that open the breaker for all; omitted: counted locally only. */
  readonly failures?: number;
  /** The first cool-down (ms): a breaker the fleet's count opens waits this long. */
  readonly coolDownMs: number;
  /** The longest cool-down (ms): each failed probe doubles the last one, up to this. */
  readonly maxCoolDownMs: number;
}

/** The fleet's breaker for an endpoint's breaker settings (a failure rate stays each engine's own). */
export function fleetBreaker(settings: Exclude<BreakerConfig, { mode: 'off' }>): FleetBreaker {
  return {
    ...(settings.mode === 'consecutive' && { failures: settings.failures }),
    coolDownMs: settings.halfOpenAfterMs,
    maxCoolDownMs: settings.maxHalfOpenAfterMs,
  };
}
