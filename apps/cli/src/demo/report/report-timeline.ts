import type { ReportAttempt, ReportData } from './report-recorder.js';
import { breakerSpans, isSpill, isThrottle } from './report-summary.js';

const WIDTH = 1000;
const LEFT = 150;
const RIGHT = 20;
const TOP = 24;
const LANE = 64;
const SERVED_LANE = 36;

/** The colour of each endpoint in chain order (colour-blind-safe palette). */
export const ENDPOINT_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00'];

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

type AttemptClass = 'success' | 'throttled' | 'spilled' | 'skipped' | 'failure';

function attemptClass(attempt: ReportAttempt): AttemptClass {
  if (attempt.outcome === 'success') return 'success';
  if (isThrottle(attempt)) return 'throttled';
  if (isSpill(attempt)) return 'spilled';
  return attempt.outcome === 'skipped' ? 'skipped' : 'failure';
}

function attemptTip(attempt: ReportAttempt): string {
  const what =
    attempt.outcome === 'success'
      ? 'served'
      : `${attempt.outcome}${attempt.reason ? ` (${attempt.reason}${attempt.errorName ? `, ${attempt.errorName}` : ''})` : ''}`;
  return `${attempt.endpointId} ${what} at ${(attempt.endMs / 1000).toFixed(2)} s, ${Math.round(attempt.endMs - attempt.startMs)} ms`;
}

/**
 * The run as an inline SVG: a "served by" strip (one bar per answered request, in its endpoint's
 * colour), then a lane per endpoint with its breaker state as the background, every attempt as a
 * mark by outcome, and failovers as dashed lines from one lane to the next.
 */
export function timelineSvg(data: ReportData): string {
  const lanes = data.chain.map((endpoint) => endpoint.endpointId);
  const height = TOP + SERVED_LANE + lanes.length * LANE + 30;
  const span = Math.max(1, data.durationMs);
  const x = (ms: number) => (LEFT + (Math.min(ms, span) / span) * (WIDTH - LEFT - RIGHT)).toFixed(1);
  const laneTop = (endpointId: string) => TOP + SERVED_LANE + Math.max(0, lanes.indexOf(endpointId)) * LANE;
  const parts: string[] = [];

  // The time axis.
  const step = niceStep(span / 8);
  for (let ms = 0; ms <= span; ms += step) {
    parts.push(
      `<line class="grid" x1="${x(ms)}" x2="${x(ms)}" y1="${TOP - 6}" y2="${height - 24}"/>`,
      `<text class="tick" x="${x(ms)}" y="${height - 8}" text-anchor="middle">${(ms / 1000).toFixed(step < 1000 ? 1 : 0)} s</text>`,
    );
  }

  // Which endpoint served each request, over time.
  parts.push(`<text class="lane-label" x="8" y="${TOP + 20}">served by</text>`);
  for (const attempt of data.attempts) {
    if (attempt.outcome !== 'success') continue;
    const colour = ENDPOINT_COLOURS[lanes.indexOf(attempt.endpointId) % ENDPOINT_COLOURS.length];
    parts.push(
      `<rect class="served" data-endpoint="${escapeHtml(attempt.endpointId)}" data-ms="${attempt.endMs}" x="${x(attempt.endMs)}" y="${TOP + 4}" width="3" height="${SERVED_LANE - 12}" fill="${colour}" data-tip="${escapeHtml(attemptTip(attempt))}"/>`,
    );
  }

  for (const [index, endpointId] of lanes.entries()) {
    const top = laneTop(endpointId);
    const colour = ENDPOINT_COLOURS[index % ENDPOINT_COLOURS.length];
    parts.push(
      `<g class="lane" data-endpoint="${escapeHtml(endpointId)}">`,
      `<rect class="lane-bg" x="${LEFT}" y="${top}" width="${WIDTH - LEFT - RIGHT}" height="${LANE - 8}"/>`,
    );
    for (const breaker of breakerSpans(data)) {
      if (breaker.endpointId !== endpointId || breaker.state === 'closed') continue;
      const width = Math.max(2, Number(x(breaker.toMs)) - Number(x(breaker.fromMs)));
      parts.push(
        `<rect class="breaker breaker-${breaker.state}" data-endpoint="${escapeHtml(endpointId)}" data-from-ms="${breaker.fromMs}" data-to-ms="${breaker.toMs}" x="${x(breaker.fromMs)}" y="${top}" width="${width.toFixed(1)}" height="${LANE - 8}" data-tip="${escapeHtml(`${endpointId} breaker ${breaker.state} from ${(breaker.fromMs / 1000).toFixed(2)} s to ${(breaker.toMs / 1000).toFixed(2)} s`)}"/>`,
      );
    }
    parts.push(
      `<rect x="8" y="${top + 8}" width="10" height="10" fill="${colour}"/>`,
      `<text class="lane-label" x="24" y="${top + 18}">${escapeHtml(endpointId)}</text>`,
    );
    const endpoint = data.chain[index];
    if (endpoint) {
      parts.push(
        `<text class="lane-sub" x="24" y="${top + 34}">${escapeHtml(`${endpoint.kind}, ${endpoint.region}`)}</text>`,
      );
    }
    const rows: Record<AttemptClass, number> = {
      success: 14,
      throttled: 28,
      failure: 28,
      spilled: 42,
      skipped: 42,
    };
    for (const attempt of data.attempts) {
      if (attempt.endpointId !== endpointId) continue;
      const kind = attemptClass(attempt);
      parts.push(
        `<circle class="attempt attempt-${kind}" data-endpoint="${escapeHtml(endpointId)}" data-ms="${attempt.endMs}" cx="${x(attempt.endMs)}" cy="${top + rows[kind]}" r="4" data-tip="${escapeHtml(attemptTip(attempt))}"/>`,
      );
    }
    parts.push('</g>');
  }

  for (const event of data.events) {
    if (event.type !== 'failover' || event.to === undefined) continue;
    parts.push(
      `<line class="failover" data-from="${escapeHtml(event.from)}" data-to="${escapeHtml(event.to)}" x1="${x(event.atMs)}" x2="${x(event.atMs)}" y1="${laneTop(event.from) + LANE / 2 - 4}" y2="${laneTop(event.to) + LANE / 2 - 4}" data-tip="${escapeHtml(`failover ${event.from} → ${event.to} (${event.reason}${event.resumed ? ', resumed' : ''}) at ${(event.atMs / 1000).toFixed(2)} s`)}"/>`,
    );
  }
  return `<svg id="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of the run">${parts.join('')}</svg>`;
}

function niceStep(raw: number): number {
  const steps = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  return steps.find((step) => step >= raw) ?? 600_000;
}
