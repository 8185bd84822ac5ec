/** The default for the whole shutdown: under Docker's and Kubernetes' default 10 s stop grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8_000;

/** The most a shutdown keeps back from the drain for the telemetry flush. */
const MAX_FLUSH_RESERVE_MS = 2_000;

/**
 * Splits one shutdown budget between draining requests in flight and flushing telemetry, so the
 * two together stay within `totalMs` (a container runtime kills the process when its grace period
 * ends, losing both). The flush keeps a quarter of the budget, at most 2 s, when telemetry runs; it
 * also gets whatever the drain leaves unused.
 */
export function drainBudgetMs(totalMs: number, telemetryActive: boolean): number {
  if (!telemetryActive) return totalMs;
  return totalMs - Math.min(MAX_FLUSH_RESERVE_MS, totalMs / 4);
}
