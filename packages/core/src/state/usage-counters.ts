import type { Usage } from '../telemetry/instrumentation.js';
import { windowStart } from './memory-state-store.js';
import { ignoreRejection } from './shared-breaker.js';
import type { MaybePromise, Reservation, StateStore } from './state-store.js';

/** The window usage is counted in: one minute, as Bedrock's quotas (RPM, TPM) are. */
export const USAGE_WINDOW_MS = 60_000;
const WINDOW = { windowMs: USAGE_WINDOW_MS };

/** An endpoint's use in the current minute, as this instance last saw it in the store. */
export interface EndpointUsage {
  readonly windowMs: number;
  /** Attempts that succeeded in the window. */
  readonly requests: number;
  /** Input plus output tokens those attempts reported (a stream's, when its usage is known). */
  readonly tokens: number;
}

/**
 * Counts one endpoint's served requests and tokens per minute in the {@link StateStore}
 * (`<endpoint id>:requests` and `<endpoint id>:tokens`), so that a shared store sums them over a
 * fleet. Nothing waits for the store; the totals it answers are kept for `health()`.
 */
export class UsageCounters {
  private requests: Reservation | undefined;
  private tokens: Reservation | undefined;
  private readonly requestsKey: string;
  private readonly tokensKey: string;

  constructor(
    private readonly store: StateStore,
    key: string,
    private readonly now: () => number = Date.now,
  ) {
    this.requestsKey = `${key}:requests`;
    this.tokensKey = `${key}:tokens`;
  }

  /** Counts a successful attempt and the tokens it used. */
  record(usage: Usage | undefined): void {
    this.count(this.requestsKey, 1, (reservation) => (this.requests = reservation));
    const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    if (tokens > 0) this.count(this.tokensKey, tokens, (reservation) => (this.tokens = reservation));
  }

  /** The current window's totals, as last seen. */
  snapshot(): EndpointUsage {
    const current = windowStart(this.now(), USAGE_WINDOW_MS);
    const total = (reservation: Reservation | undefined) =>
      reservation?.windowStart === current ? reservation.total : 0;
    return { windowMs: USAGE_WINDOW_MS, requests: total(this.requests), tokens: total(this.tokens) };
  }

  private count(key: string, amount: number, keep: (reservation: Reservation) => void): void {
    const reserved: MaybePromise<Reservation | undefined> = this.store.reserve(key, amount, WINDOW);
    if (reserved instanceof Promise) ignoreRejection(reserved.then((value) => value && keep(value)));
    else if (reserved) keep(reserved);
  }
}
