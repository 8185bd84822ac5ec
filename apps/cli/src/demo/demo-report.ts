import type { EndpointKind, EndpointRef } from '@bedrock-ha/core';
import pc from 'picocolors';
import { renderTable } from '../table.js';
import type { DemoEvent, DemoRequest, DemoSummary } from './demo-recorder.js';
import { DEMO_ATTEMPT_TIMEOUT_MS } from './demo-setup.js';

/** How the AWS sample names where an answer came from. */
export const THROUGHPUT: Record<EndpointKind, string> = {
  provisioned: 'provisioned throughput',
  'on-demand': 'on-demand throughput',
  'inference-profile': 'cross-region inference profile',
};

/** The longest part of an answer a request line shows: streamed answers run to several sentences. */
const EXCERPT_LENGTH = 60;

function excerpt(text: string): string {
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  // At a word boundary when there is one.
  const space = cut.lastIndexOf(' ');
  return `${space > EXCERPT_LENGTH / 2 ? cut.slice(0, space) : cut}...`;
}

/**
 * A request as the AWS sample prints it: `3: From on-demand throughput in us-west-2: Tokyo`; a
 * streamed answer that broke and resumed says where it broke and who finished it.
 */
export function requestLine(request: DemoRequest): string {
  const { servedBy } = request;
  if (servedBy === undefined) return pc.red(`${request.index}: Failed on every endpoint: ${request.error}`);
  const cuts = request.cuts ?? [];
  if (cuts.length === 0) {
    return `${request.index}: From ${THROUGHPUT[servedBy.kind]} in ${servedBy.region}: ${excerpt(request.text)}`;
  }
  // Each endpoint with the part of the answer it sent: up to its cut, then the rest.
  const parts: string[] = [];
  let offset = 0;
  const part = (endpoint: EndpointRef, end: number) => {
    parts.push(
      `${THROUGHPUT[endpoint.kind]} in ${endpoint.region}: "${excerpt(request.text.slice(offset, end).trim())}"`,
    );
    offset = end;
  };
  for (const cut of cuts) part(cut.endpoint, cut.partialText.length);
  part(servedBy, request.text.length);
  return `${request.index}: From ${parts.join(' -- stream broke, resumed by ')}`;
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
  if (event.reason === 'at-capacity')
    return pc.cyan(
      `${at} spilled to ${event.to?.endpointId ?? 'no endpoint left'}: ${event.from.endpointId} at capacity`,
    );
  const to = event.to === undefined ? 'no endpoint left' : `${event.to.endpointId} in ${event.to.region}`;
  if (event.resumed) {
    return pc.yellow(
      `${at} Stream from ${event.from.endpointId} broke mid-answer (${event.reason}), resuming it on ${to}...`,
    );
  }
  const what =
    event.reason === 'throttled'
      ? `Throttling detected on ${event.from.endpointId}`
      : event.reason === 'timeout'
        ? `Timeout on ${event.from.endpointId} (no answer within ${DEMO_ATTEMPT_TIMEOUT_MS / 1000} s)`
        : event.reason === 'circuit-open'
          ? `${event.from.endpointId} skipped (circuit-open)`
          : `${event.from.endpointId} failed (${event.reason})`;
  return pc.yellow(
    `${at} ${what}, ${event.reason === 'circuit-open' ? 'going' : 'failing over'} to ${to}...`,
  );
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? '-' : String(Math.round(value));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Whether and when traffic came back to the primary after its breaker last opened. */
export function backOnPrimary(summary: DemoSummary): string {
  const opened = summary.primaryLastOpenedAtMs;
  const returned = summary.returnedToPrimary;
  if (opened === undefined) {
    const failovers = summary.failovers.total;
    return failovers === 0
      ? 'traffic never left it'
      : 'its breaker never opened: it kept serving between failovers';
  }
  if (returned === undefined)
    return `no: its breaker last opened at ${seconds(opened)} and traffic had not returned`;
  return `from request ${returned.index}, at ${seconds(returned.atMs)}`;
}

/** The PT's use over the demo, from the simulator's counts. */
export interface PrimaryUse {
  /** The chain's id for the PT, e.g. `pt-east`. */
  readonly endpointId: string;
  readonly tokensPerMinute: number;
  /** How long the run took (ms): what the PT refilled over. */
  readonly durationMs: number;
  /** The PT's bucket at the start: `burstSeconds` of its rate. */
  readonly burstTokens: number;
  /** What its rate refilled over the run. */
  readonly refilledTokens: number;
  /** burstTokens + refilledTokens: the most the PT could serve in this run. */
  readonly allowedTokens: number;
  /** Input + output tokens the simulator counted as served by the PT. */
  readonly usedTokens: number;
  /**
   * usedTokens over allowedTokens, in percent. At most about 100: the simulator refuses what does
   * not fit, and only a request's actual size, settled after it was admitted, can pass it.
   */
  readonly utilizationPercent: number;
}

/**
 * The PT's use in words, with the arithmetic: `79%: 119 of the 150 tokens pt-east's 3,000/min
 * quota allowed in this 2.0 s run (50 burst at the start + 100 refilled)`.
 */
export function primaryUseText(use: PrimaryUse): string {
  const count = (tokens: number) => Math.round(tokens).toLocaleString('en-US');
  return (
    `${use.utilizationPercent}%: ${count(use.usedTokens)} of the ${count(use.allowedTokens)} tokens ` +
    `${use.endpointId}'s ${count(use.tokensPerMinute)}/min quota allowed in this ${seconds(use.durationMs)} run ` +
    `(${count(use.burstTokens)} burst at the start + ${count(use.refilledTokens)} refilled)`
  );
}

/** The closing summary: requests per endpoint with latency, then failovers and breaker transitions. */
export function summaryText(summary: DemoSummary, concurrency: number, primary?: PrimaryUse): string {
  const table = renderTable(
    ['endpoint', 'region', 'kind', 'served', 'throttled', 'spilled', 'p50 ms', 'p99 ms'],
    [
      ...summary.endpoints.map((endpoint) => [
        endpoint.endpointId,
        endpoint.region,
        endpoint.kind,
        String(endpoint.served),
        String(summary.throttled[endpoint.endpointId] ?? 0),
        String(summary.spilled[endpoint.endpointId] ?? 0),
        milliseconds(endpoint.p50Ms),
        milliseconds(endpoint.p99Ms),
      ]),
      [
        'total',
        '',
        '',
        String(summary.succeeded),
        String(Object.values(summary.throttled).reduce((sum, count) => sum + count, 0)),
        String(Object.values(summary.spilled).reduce((sum, count) => sum + count, 0)),
        milliseconds(summary.latency.p50Ms),
        milliseconds(summary.latency.p99Ms),
      ],
    ],
  );
  const reasons = Object.entries(summary.failovers.byReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const facts = renderTable(
    ['', ''],
    [
      ['failovers', `${summary.failovers.total}${reasons ? ` (${reasons})` : ''}`],
      ['breaker transitions', String(summary.breakerTransitions)],
      ['back on the primary', backOnPrimary(summary)],
      ['failed requests', String(summary.failed)],
      ...(primary ? [['PT utilization', primaryUseText(primary)]] : []),
    ],
  )
    .split('\n')
    .slice(1)
    .join('\n');
  const heading = `Summary: ${summary.requests} requests in ${(summary.durationMs / 1000).toFixed(1)} s, concurrency ${concurrency}`;
  return `${pc.bold(heading)}\n${table}\n\n${facts}`;
}
