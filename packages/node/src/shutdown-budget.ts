/** The default for the whole shutdown: under Docker's and Kubernetes' default 10 s stop grace period. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8_000;

/** The most a shutdown keeps back from the drain for the telemetry flush and the cut requests' logs. */
const MAX_FLUSH_RESERVE_MS = 2_000;
/** Without telemetry, only the access-log lines of cut requests need the reserve (~0.2 s). */
const MAX_LOG_RESERVE_MS = 1_000;

/**
 * Splits one shutdown budget between draining requests in flight and what follows a cut: the cut
 * requests' access-log lines, then the telemetry flush. Together they stay within `totalMs` (a
 * container runtime kills the process when its grace period ends, losing both). The drain leaves a
 * quarter of the budget, at most 2 s with telemetry and 1 s without; what follows also gets
 * whatever the drain leaves unused.
 */
export function drainBudgetMs(totalMs: number, telemetryActive: boolean): number {
  return totalMs - Math.min(telemetryActive ? MAX_FLUSH_RESERVE_MS : MAX_LOG_RESERVE_MS, totalMs / 4);
}
