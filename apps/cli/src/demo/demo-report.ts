import type { EndpointKind } from '@bedrock-ha/core';
import pc from 'picocolors';
import { renderTable } from '../table.js';
import type { DemoEvent, DemoRequest, DemoSummary } from './demo-recorder.js';

/** How the AWS sample names where an answer came from. */
export const THROUGHPUT: Record<EndpointKind, string> = {
  provisioned: 'provisioned throughput',
  'on-demand': 'on-demand throughput',
  'inference-profile': 'cross-region inference profile',
};

/** A request as the AWS sample prints it: `3: From on-demand throughput in us-west-2: Tokyo`. */
export function requestLine(request: DemoRequest): string {
  const { servedBy } = request;
  if (servedBy === undefined) return pc.red(`${request.index}: Failed on every endpoint: ${request.error}`);
  return `${request.index}: From ${THROUGHPUT[servedBy.kind]} in ${servedBy.region}: ${request.text}`;
}

const BREAKER_MEANING: Record<string, string> = {
  open: 'requests skip it',
  'half-open': 'the next request probes it',
  closed: 'it serves again',
};

/**
 * An engine decision as a line, or `undefined` for the ones not worth a line: skipping an endpoint
 * whose breaker is open happens on every request while it is open (shown with `--verbose`).
 */
export function eventLine(event: DemoEvent, verbose: boolean): string | undefined {
  const at = pc.dim(`[${(event.atMs / 1000).toFixed(2)} s]`);
  if (event.type === 'breaker') {
    const meaning = BREAKER_MEANING[event.to] ?? '';
    return pc.magenta(
      `${at} Breaker of ${event.endpoint.endpointId}: ${event.from} -> ${event.to} (${meaning})`,
    );
  }
  if (event.reason === 'circuit-open' && !verbose) return undefined;
  const to = event.to === undefined ? 'no endpoint left' : `${event.to.endpointId} in ${event.to.region}`;
  const what =
    event.reason === 'throttled'
      ? `Throttling detected on ${event.from.endpointId}`
      : `${event.from.endpointId} failed (${event.reason})`;
  return pc.yellow(`${at} ${what}, failing over to ${to}...`);
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? '-' : String(Math.round(value));
}

/** The closing summary: requests per endpoint with latency, then failovers and breaker transitions. */
export function summaryText(summary: DemoSummary, concurrency: number): string {
  const table = renderTable(
    ['endpoint', 'region', 'kind', 'served', 'p50 ms', 'p99 ms'],
    [
      ...summary.endpoints.map((endpoint) => [
        endpoint.endpointId,
        endpoint.region,
        endpoint.kind,
        String(endpoint.served),
        milliseconds(endpoint.p50Ms),
        milliseconds(endpoint.p99Ms),
      ]),
      [
        'total',
        '',
        '',
        String(summary.succeeded),
        milliseconds(summary.latency.p50Ms),
        milliseconds(summary.latency.p99Ms),
      ],
    ],
  );
  const reasons = Object.entries(summary.failovers.byReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const returned = summary.returnedToPrimary;
  const facts = renderTable(
    ['', ''],
    [
      ['failovers', `${summary.failovers.total}${reasons ? ` (${reasons})` : ''}`],
      ['breaker transitions', String(summary.breakerTransitions)],
      [
        'back on the primary',
        returned === undefined
          ? 'no'
          : `from request ${returned.index}, at ${(returned.atMs / 1000).toFixed(2)} s`,
      ],
      ['failed requests', String(summary.failed)],
    ],
  )
    .split('\n')
    .slice(1)
    .join('\n');
  const heading = `Summary: ${summary.requests} requests in ${(summary.durationMs / 1000).toFixed(1)} s, concurrency ${concurrency}`;
  return `${pc.bold(heading)}\n${table}\n\n${facts}`;
}
