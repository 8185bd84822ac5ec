import type { BreakerState } from '@bedrock-ha/core';
import type { ReportAttempt, ReportData } from './report-recorder.js';

/** A span of time an endpoint's breaker spent in one state. */
export interface BreakerSpan {
  readonly endpointId: string;
  readonly state: BreakerState;
  readonly fromMs: number;
  readonly toMs: number;
}

/** Per-endpoint counts the report's table shows. */
export interface EndpointCounts {
  readonly endpointId: string;
  readonly served: number;
  readonly throttled: number;
  readonly failed: number;
  /** Skipped because its breaker was open. */
  readonly circuitOpen: number;
  /** Skipped without a call for want of room (a full bulkhead, or capacity admission): the request spilled on. */
  readonly spilled: number;
  readonly breakerOpened: number;
}

// Skips that say nothing about room on the endpoint: the request was over, or the breaker said no.
const NOT_SPILLS = new Set(['circuit-open', 'deadline', 'cancelled', 'outrun']);

/** Whether an attempt was throttled by Bedrock. */
export function isThrottle(attempt: ReportAttempt): boolean {
  return attempt.outcome === 'failure' && attempt.reason === 'throttled';
}

/** Whether an attempt was skipped for want of room, so the request spilled to the next endpoint. */
export function isSpill(attempt: ReportAttempt): boolean {
  return attempt.outcome === 'skipped' && !NOT_SPILLS.has(attempt.reason ?? '');
}

/** Each endpoint's breaker states over the run, as contiguous spans (closed until told otherwise). */
export function breakerSpans(data: ReportData): BreakerSpan[] {
  const spans: BreakerSpan[] = [];
  for (const endpoint of data.chain) {
    let state: BreakerState = 'closed';
    let since = 0;
    for (const event of data.events) {
      if (event.type !== 'breaker' || event.endpointId !== endpoint.endpointId || event.state === state)
        continue;
      spans.push({ endpointId: endpoint.endpointId, state, fromMs: since, toMs: event.atMs });
      state = event.state;
      since = event.atMs;
    }
    spans.push({
      endpointId: endpoint.endpointId,
      state,
      fromMs: since,
      toMs: Math.max(since, data.durationMs),
    });
  }
  return spans.filter((span) => span.toMs > span.fromMs || span.state !== 'closed');
}

/** The counts of each endpoint, in chain order. */
export function endpointCounts(data: ReportData): EndpointCounts[] {
  return data.chain.map(({ endpointId }) => {
    const mine = data.attempts.filter((attempt) => attempt.endpointId === endpointId);
    return {
      endpointId,
      served: mine.filter((attempt) => attempt.outcome === 'success').length,
      throttled: mine.filter(isThrottle).length,
      failed: mine.filter((attempt) => attempt.outcome === 'failure' && !isThrottle(attempt)).length,
      circuitOpen: mine.filter(
        (attempt) => attempt.outcome === 'skipped' && attempt.reason === 'circuit-open',
      ).length,
      spilled: mine.filter(isSpill).length,
      breakerOpened: data.events.filter(
        (event) => event.type === 'breaker' && event.endpointId === endpointId && event.state === 'open',
      ).length,
    };
  });
}

/** Failovers counted by reason. */
export function failoversByReason(data: ReportData): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of data.events)
    if (event.type === 'failover') counts[event.reason] = (counts[event.reason] ?? 0) + 1;
  return counts;
}
