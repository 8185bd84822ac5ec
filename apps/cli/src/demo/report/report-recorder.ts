import type { BedrockHA, BreakerState, EndpointRef, FailureReason } from '@bedrock-ha/core';

/** One attempt on one endpoint, as the engine reported it; times in ms since the run started. */
export interface ReportAttempt {
  readonly endpointId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly reason?: FailureReason;
  readonly errorName?: string;
}

/** A breaker transition or a failover, in the order the engine decided them. */
export type ReportEvent =
  | {
      readonly type: 'breaker';
      readonly atMs: number;
      readonly endpointId: string;
      readonly state: BreakerState;
    }
  | {
      readonly type: 'failover';
      readonly atMs: number;
      readonly from: string;
      readonly to: string | undefined;
      readonly reason: FailureReason;
      readonly resumed: boolean;
    };

/** Everything the report shows, as plain data (also embedded in the page as JSON). */
export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly chain: readonly EndpointRef[];
  readonly details: Readonly<Record<string, string>>;
  readonly attempts: readonly ReportAttempt[];
  readonly events: readonly ReportEvent[];
}

/**
 * Records a run for the HTML report through the engine's events API only (`onAttempt`,
 * `onFailover`, `onBreakerStateChange`), so any command that drives an engine can write one.
 */
export class ReportRecorder {
  private readonly attempts: ReportAttempt[] = [];
  private readonly events: ReportEvent[] = [];
  private readonly started = performance.now();
  private readonly disposables: { dispose(): void }[];
  private endedMs: number | undefined;

  constructor(
    ha: BedrockHA,
    private readonly chain: readonly EndpointRef[],
  ) {
    this.disposables = [
      ha.onAttempt((attempt) => {
        const endMs = this.elapsed();
        this.attempts.push({
          endpointId: attempt.endpoint.endpointId,
          startMs: Math.max(0, endMs - attempt.durationMs),
          endMs,
          outcome: attempt.outcome,
          ...(attempt.reason !== undefined && { reason: attempt.reason }),
          ...(attempt.errorName !== undefined && { errorName: attempt.errorName }),
        });
      }),
      ha.onFailover(({ from, to, reason, resumed }) => {
        this.events.push({
          type: 'failover',
          atMs: this.elapsed(),
          from: from.endpointId,
          to: to?.endpointId,
          reason,
          resumed,
        });
      }),
      ha.onBreakerStateChange(({ endpoint, state }) => {
        this.events.push({ type: 'breaker', atMs: this.elapsed(), endpointId: endpoint.endpointId, state });
      }),
    ];
  }

  private elapsed(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }

  /** Stops listening; the run's duration ends here. */
  stop(): void {
    this.endedMs ??= this.elapsed();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** The recorded run. */
  data(title: string, details: Record<string, string>): ReportData {
    this.stop();
    return {
      title,
      generatedAt: new Date().toISOString(),
      durationMs: this.endedMs ?? this.elapsed(),
      chain: this.chain,
      details,
      attempts: this.attempts,
      events: this.events,
    };
  }
}
