import type { AttemptEvent, BedrockHA, BreakerState, FailoverEvent } from '@bedrock-ha/core';

/** How far back the dashboard's charts reach. */
export const HISTORY_SECONDS = 300;
/** Latency percentiles are over successful attempts of the last minute. */
const LATENCY_WINDOW_MS = 60_000;
const MAX_LATENCY_SAMPLES = 5_000;
const MAX_TRANSITIONS = 500;

/** One second of traffic: successful attempts per endpoint, failovers, failed and skipped attempts. */
export interface TrafficSecond {
  /** Unix time in whole seconds. */
  readonly second: number;
  readonly served: Record<string, number>;
  failures: number;
  skipped: number;
  failovers: number;
}

/** A breaker changed state at `at` (Unix ms). */
export interface BreakerTransition {
  readonly endpointId: string;
  readonly state: BreakerState;
  readonly at: number;
}

/** What the dashboard page draws, from the engine's events since the gateway started. */
export interface DashboardHistory {
  readonly startedAt: number;
  /** Every endpoint's state when the history started, then each change. */
  readonly transitions: readonly BreakerTransition[];
  readonly traffic: readonly TrafficSecond[];
  /** Failovers since start, by reason (`throttled`, `network`, `circuit-open`, ...). */
  readonly failoversByReason: Readonly<Record<string, number>>;
  /** Failovers since start, by `from -> to`. */
  readonly failoverRoutes: Readonly<Record<string, number>>;
  /** p50 and p99 of successful attempts' durations over the last minute, per endpoint, in ms. */
  latency(): Record<string, { p50: number; p99: number; count: number }>;
}

/**
 * Keeps the short history the live dashboard draws: breaker transitions, per-second traffic and
 * failovers, recent attempt latencies. Fed by the engine's events; bounded in memory; no timer.
 */
export class DashboardRecorder implements DashboardHistory {
  readonly startedAt: number;
  readonly transitions: BreakerTransition[] = [];
  readonly traffic: TrafficSecond[] = [];
  readonly failoversByReason: Record<string, number> = {};
  readonly failoverRoutes: Record<string, number> = {};
  private readonly samples: { at: number; endpointId: string; ms: number }[] = [];
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    ha: BedrockHA,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    for (const endpoint of ha.health())
      this.transitions.push({ endpointId: endpoint.endpointId, state: endpoint.breaker, at: this.startedAt });
    this.subscriptions = [
      ha.onAttempt((event) => this.attempt(event)),
      ha.onFailover((event) => this.failover(event)),
      ha.onBreakerStateChange(({ endpoint, state }) => {
        this.transitions.push({ endpointId: endpoint.endpointId, state, at: this.now() });
        // The first transitions are every endpoint's initial state: keep them.
        if (this.transitions.length > MAX_TRANSITIONS) this.transitions.splice(ha.health().length, 1);
      }),
    ];
  }

  private second(): TrafficSecond {
    const second = Math.floor(this.now() / 1000);
    const last = this.traffic.at(-1);
    if (last?.second === second) return last;
    const bucket: TrafficSecond = { second, served: {}, failures: 0, skipped: 0, failovers: 0 };
    this.traffic.push(bucket);
    while (this.traffic.length > 0 && this.traffic[0]!.second <= second - HISTORY_SECONDS)
      this.traffic.shift();
    return bucket;
  }

  private attempt(event: AttemptEvent): void {
    const bucket = this.second();
    const id = event.endpoint.endpointId;
    if (event.outcome === 'skipped') bucket.skipped++;
    else if (event.outcome === 'failure') bucket.failures++;
    else {
      bucket.served[id] = (bucket.served[id] ?? 0) + 1;
      this.samples.push({ at: this.now(), endpointId: id, ms: event.durationMs });
      if (this.samples.length > MAX_LATENCY_SAMPLES) this.samples.shift();
    }
  }

  private failover(event: FailoverEvent): void {
    this.second().failovers++;
    this.failoversByReason[event.reason] = (this.failoversByReason[event.reason] ?? 0) + 1;
    const route = `${event.from.endpointId} -> ${event.to?.endpointId ?? 'none'}`;
    this.failoverRoutes[route] = (this.failoverRoutes[route] ?? 0) + 1;
  }

  latency(): Record<string, { p50: number; p99: number; count: number }> {
    const oldest = this.now() - LATENCY_WINDOW_MS;
    const byEndpoint = new Map<string, number[]>();
    for (const sample of this.samples) {
      if (sample.at < oldest) continue;
      const list = byEndpoint.get(sample.endpointId) ?? [];
      list.push(sample.ms);
      byEndpoint.set(sample.endpointId, list);
    }
    const result: Record<string, { p50: number; p99: number; count: number }> = {};
    for (const [id, values] of byEndpoint) {
      values.sort((a, b) => a - b);
      result[id] = { p50: percentile(values, 0.5), p99: percentile(values, 0.99), count: values.length };
    }
    return result;
  }

  /** Stops listening to the engine. */
  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}

/** The nearest-rank percentile of sorted values, rounded to 0.1 ms. */
function percentile(sorted: readonly number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return Math.round(sorted[index]! * 10) / 10;
}
