import type { AttemptEvent, BedrockHA } from '@bedrock-ha/core';

/** One endpoint's attempts over the recent window. */
export interface EndpointWindowStats {
  /** The window's length in seconds. */
  readonly windowSeconds: number;
  /** Attempts that called the endpoint, and how many of those failed. */
  readonly attempts: number;
  readonly failures: number;
  /** Attempts not made: breaker open, bulkhead full, budget or deadline spent. */
  readonly skipped: number;
  /** failures / attempts, or 0 without attempts. */
  readonly errorRate: number;
  /** Failures and skips by reason, e.g. `{ throttled: 3 }`. */
  readonly reasons: Readonly<Record<string, number>>;
}

interface Bucket {
  second: number;
  attempts: number;
  failures: number;
  skipped: number;
  reasons: Record<string, number>;
}

/**
 * Error rates per endpoint over a sliding window, from the engine's attempt events. One bucket per
 * second in a ring; stale buckets are recycled when written or skipped when read, so no timer runs.
 */
export class EndpointStats {
  private readonly rings = new Map<string, Bucket[]>();
  private readonly subscription: { dispose(): void };

  constructor(
    ha: BedrockHA,
    readonly windowSeconds = 60,
    private readonly now: () => number = Date.now,
  ) {
    this.subscription = ha.onAttempt((event) => this.record(event));
  }

  private record(event: AttemptEvent): void {
    const second = Math.floor(this.now() / 1000);
    const id = event.endpoint.endpointId;
    let ring = this.rings.get(id);
    if (!ring) {
      ring = [];
      this.rings.set(id, ring);
    }
    const slot = second % this.windowSeconds;
    let bucket = ring[slot];
    if (!bucket || bucket.second !== second) {
      bucket = { second, attempts: 0, failures: 0, skipped: 0, reasons: {} };
      ring[slot] = bucket;
    }
    if (event.outcome === 'skipped') bucket.skipped++;
    else bucket.attempts++;
    if (event.outcome === 'failure') bucket.failures++;
    if (event.outcome !== 'success' && event.reason) {
      bucket.reasons[event.reason] = (bucket.reasons[event.reason] ?? 0) + 1;
    }
  }

  /** The window's numbers for one endpoint (zeros when it has had no attempts). */
  of(endpointId: string): EndpointWindowStats {
    const oldest = Math.floor(this.now() / 1000) - this.windowSeconds + 1;
    let attempts = 0;
    let failures = 0;
    let skipped = 0;
    const reasons: Record<string, number> = {};
    for (const bucket of this.rings.get(endpointId) ?? []) {
      if (!bucket || bucket.second < oldest) continue;
      attempts += bucket.attempts;
      failures += bucket.failures;
      skipped += bucket.skipped;
      for (const [reason, count] of Object.entries(bucket.reasons))
        reasons[reason] = (reasons[reason] ?? 0) + count;
    }
    const errorRate = attempts === 0 ? 0 : Math.round((failures / attempts) * 1000) / 1000;
    return { windowSeconds: this.windowSeconds, attempts, failures, skipped, errorRate, reasons };
  }

  /** Stops listening to the engine. */
  dispose(): void {
    this.subscription.dispose();
  }
}
