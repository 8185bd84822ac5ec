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
  /** Input tokens they read from the endpoint's prompt cache (`cacheReadInputTokens`), besides `tokens`. */
  readonly cacheReadTokens: number;
  /** Input tokens they wrote to its prompt cache (`cacheWriteInputTokens`), besides `tokens`. */
  readonly cacheWriteTokens: number;
}

/**
 * Counts one endpoint's served requests and tokens per minute in the {@link StateStore}
 * (`<endpoint id>:requests` and `<endpoint id>:tokens`), so that a shared store sums them over a
 * fleet. Nothing waits for the store; the totals it answers are kept for `health()`.
 */
export class UsageCounters {
  private readonly totals = new Map<string, Reservation>();
  private readonly keys: Record<'requests' | 'tokens' | 'cacheRead' | 'cacheWrite', string>;

  constructor(
    private readonly store: StateStore,
    key: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = {
      requests: `${key}:requests`,
      tokens: `${key}:tokens`,
      cacheRead: `${key}:cache-read-tokens`,
      cacheWrite: `${key}:cache-write-tokens`,
    };
  }

  /** Counts a successful attempt and the tokens it used. */
  record(usage: Usage | undefined): void {
    this.count(this.keys.requests, 1);
    this.count(this.keys.tokens, (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
    this.count(this.keys.cacheRead, usage?.cacheReadInputTokens ?? 0);
    this.count(this.keys.cacheWrite, usage?.cacheWriteInputTokens ?? 0);
  }

  /** The current window's totals, as last seen. */
  snapshot(): EndpointUsage {
    const current = windowStart(this.now(), USAGE_WINDOW_MS);
    const total = (key: string) => {
      const reservation = this.totals.get(key);
      return reservation?.windowStart === current ? reservation.total : 0;
    };
    return {
      windowMs: USAGE_WINDOW_MS,
      requests: total(this.keys.requests),
      tokens: total(this.keys.tokens),
      cacheReadTokens: total(this.keys.cacheRead),
      cacheWriteTokens: total(this.keys.cacheWrite),
    };
  }

  private count(key: string, amount: number): void {
    if (!(amount > 0)) return;
    const reserved: MaybePromise<Reservation | undefined> = this.store.reserve(key, amount, WINDOW);
    // No closure on the in-memory store's synchronous path: this runs on every served attempt.
    if (reserved instanceof Promise)
      ignoreRejection(reserved.then((value) => value && this.totals.set(key, value)));
    else if (reserved) this.totals.set(key, reserved);
  }
}
