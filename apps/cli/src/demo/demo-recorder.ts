import type { BedrockHA, BreakerState, EndpointRef, FailureReason } from '@bedrock-ha/core';
import { percentile } from './percentile.js';

/** Where a streamed answer broke, before another endpoint resumed it. */
export interface DemoCut {
  /** The endpoint whose stream broke. */
  readonly endpoint: EndpointRef;
  /** What it had sent before it broke. */
  readonly partialText: string;
}

/** One demo request's outcome. */
export interface DemoRequest {
  readonly index: number;
  /** Undefined when every endpoint failed. */
  readonly servedBy: EndpointRef | undefined;
  readonly text: string;
  /** When it started, in milliseconds since the demo started. */
  readonly startedAtMs: number;
  readonly latencyMs: number;
  /** With `--stream`: the streams that broke mid-answer and were resumed elsewhere, in order. */
  readonly cuts?: readonly DemoCut[];
  /** Calls made or skipped for this request. */
  readonly attempts: number;
  readonly error?: string;
}

/** Something the engine decided, stamped with the time since the demo started. */
export type DemoEvent =
  | {
      readonly type: 'failover';
      readonly atMs: number;
      readonly from: EndpointRef;
      readonly to: EndpointRef | undefined;
      readonly reason: FailureReason;
      /** True when a stream that had started continues on `to`. */
      readonly resumed: boolean;
    }
  | {
      readonly type: 'breaker';
      readonly atMs: number;
      readonly endpoint: EndpointRef;
      readonly from: BreakerState;
      readonly to: BreakerState;
    };

/** The numbers the summary table shows; every count is derived from the recorded requests and events. */
export interface DemoSummary {
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly latency: { readonly p50Ms: number | undefined; readonly p99Ms: number | undefined };
  readonly endpoints: readonly {
    readonly endpointId: string;
    readonly region: string;
    readonly kind: string;
    readonly served: number;
    readonly p50Ms: number | undefined;
    readonly p99Ms: number | undefined;
  }[];
  readonly failovers: { readonly total: number; readonly byReason: Record<string, number> };
  readonly breakerTransitions: number;
  /** Attempts each endpoint answered with a throttle (ThrottlingException), by endpoint id. */
  readonly throttled: Record<string, number>;
  /** Attempts sent elsewhere without calling the endpoint because it was at capacity, by endpoint id. */
  readonly spilled: Record<string, number>;
  /** When the primary's breaker last opened (all traffic left it); undefined if it never opened. */
  readonly primaryLastOpenedAtMs: number | undefined;
  /**
   * The first request the primary served among those started after its breaker last opened, and
   * when it finished: when traffic really came back. Undefined when it did not come back.
   */
  readonly returnedToPrimary: { readonly index: number; readonly atMs: number } | undefined;
}

/** Subscribes to the engine's events and collects what the demo prints and sums up. */
export class DemoRecorder {
  readonly requests: DemoRequest[] = [];
  readonly events: DemoEvent[] = [];
  private readonly started = performance.now();
  private readonly breakerStates = new Map<string, BreakerState>();
  private readonly disposables: { dispose(): void }[];
  private lastOpenedAtMs: number | undefined;
  private returned: { index: number; atMs: number } | undefined;
  private readonly throttled: Record<string, number>;
  private readonly spilled: Record<string, number>;

  constructor(
    ha: BedrockHA,
    private readonly endpoints: readonly EndpointRef[],
    onEvent: (event: DemoEvent) => void,
  ) {
    this.throttled = Object.fromEntries(endpoints.map((endpoint) => [endpoint.endpointId, 0]));
    this.spilled = { ...this.throttled };
    this.disposables = [
      ha.onAttempt(({ endpoint, reason }) => {
        const counts =
          reason === 'throttled' ? this.throttled : reason === 'at-capacity' ? this.spilled : undefined;
        if (counts) counts[endpoint.endpointId] = (counts[endpoint.endpointId] ?? 0) + 1;
      }),
      ha.onFailover(({ from, to, reason, resumed }) => {
        const event: DemoEvent = { type: 'failover', atMs: this.elapsed(), from, to, reason, resumed };
        this.events.push(event);
        onEvent(event);
      }),
      ha.onBreakerStateChange(({ endpoint, state }) => {
        const from = this.breakerStates.get(endpoint.endpointId) ?? 'closed';
        this.breakerStates.set(endpoint.endpointId, state);
        const atMs = this.elapsed();
        if (endpoint.endpointId === this.primaryId && state === 'open') {
          // Traffic left (again): only a request started after this can tell it came back.
          this.lastOpenedAtMs = atMs;
          this.returned = undefined;
        }
        const event: DemoEvent = { type: 'breaker', atMs, endpoint, from, to: state };
        this.events.push(event);
        onEvent(event);
      }),
    ];
  }

  private get primaryId(): string | undefined {
    return this.endpoints[0]?.endpointId;
  }

  /** Milliseconds since the demo started. */
  elapsed(): number {
    return Math.round(performance.now() - this.started);
  }

  /**
   * Records a finished request. Under concurrency, requests that started before the breaker
   * opened still finish on the primary afterwards; they do not count as traffic coming back.
   */
  record(request: DemoRequest): void {
    this.requests.push(request);
    const primary = request.servedBy?.endpointId === this.primaryId;
    const opened = this.lastOpenedAtMs;
    if (primary && opened !== undefined && request.startedAtMs >= opened && this.returned === undefined) {
      this.returned = { index: request.index, atMs: this.elapsed() };
    }
  }

  /** Stops listening to the engine. */
  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  /** The summary of everything recorded so far. */
  summary(): DemoSummary {
    const served = this.requests.filter((request) => request.servedBy !== undefined);
    const latencies = served.map((request) => request.latencyMs);
    const byReason: Record<string, number> = {};
    let failovers = 0;
    for (const event of this.events) {
      if (event.type !== 'failover') continue;
      failovers += 1;
      byReason[event.reason] = (byReason[event.reason] ?? 0) + 1;
    }
    return {
      requests: this.requests.length,
      succeeded: served.length,
      failed: this.requests.length - served.length,
      durationMs: this.elapsed(),
      latency: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) },
      endpoints: this.endpoints.map((endpoint) => {
        const mine = served
          .filter((request) => request.servedBy?.endpointId === endpoint.endpointId)
          .map((request) => request.latencyMs);
        return {
          endpointId: endpoint.endpointId,
          region: endpoint.region,
          kind: endpoint.kind,
          served: mine.length,
          p50Ms: percentile(mine, 50),
          p99Ms: percentile(mine, 99),
        };
      }),
      failovers: { total: failovers, byReason },
      breakerTransitions: this.events.filter((event) => event.type === 'breaker').length,
      throttled: { ...this.throttled },
      spilled: { ...this.spilled },
      primaryLastOpenedAtMs: this.lastOpenedAtMs,
      returnedToPrimary: this.returned,
    };
  }
}
