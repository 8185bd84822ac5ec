import { describe, expect, it } from 'vitest';
import type { ReportData } from './report-recorder.js';
import { breakerSpans, endpointCounts } from './report-summary.js';

const data: ReportData = {
  title: 't',
  generatedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3000,
  chain: [
    { endpointId: 'pt', region: 'us-east-1', kind: 'provisioned', modelId: 'arn' },
    { endpointId: 'west', region: 'us-west-2', kind: 'on-demand', modelId: 'haiku' },
  ],
  details: {},
  attempts: [
    { endpointId: 'pt', startMs: 0, endMs: 10, outcome: 'success' },
    { endpointId: 'pt', startMs: 20, endMs: 30, outcome: 'failure', reason: 'throttled' },
    { endpointId: 'pt', startMs: 40, endMs: 40, outcome: 'skipped', reason: 'circuit-open' },
    { endpointId: 'pt', startMs: 50, endMs: 50, outcome: 'skipped', reason: 'bulkhead-full' },
    { endpointId: 'west', startMs: 30, endMs: 60, outcome: 'success' },
  ],
  events: [
    { type: 'breaker', atMs: 1000, endpointId: 'pt', state: 'open' },
    { type: 'breaker', atMs: 2000, endpointId: 'pt', state: 'half-open' },
    { type: 'breaker', atMs: 2100, endpointId: 'pt', state: 'closed' },
  ],
};

describe('report summary', () => {
  it('turns breaker transitions into spans that cover the run', () => {
    expect(breakerSpans(data).filter((span) => span.endpointId === 'pt')).toEqual([
      { endpointId: 'pt', state: 'closed', fromMs: 0, toMs: 1000 },
      { endpointId: 'pt', state: 'open', fromMs: 1000, toMs: 2000 },
      { endpointId: 'pt', state: 'half-open', fromMs: 2000, toMs: 2100 },
      { endpointId: 'pt', state: 'closed', fromMs: 2100, toMs: 3000 },
    ]);
    expect(breakerSpans(data).filter((span) => span.endpointId === 'west')).toEqual([
      { endpointId: 'west', state: 'closed', fromMs: 0, toMs: 3000 },
    ]);
  });

  it('counts a skip for want of room as a spill, and a skip by the breaker apart', () => {
    expect(endpointCounts(data)[0]).toEqual({
      endpointId: 'pt',
      served: 1,
      throttled: 1,
      failed: 0,
      circuitOpen: 1,
      spilled: 1,
      breakerOpened: 1,
    });
  });
});
