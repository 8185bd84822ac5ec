import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { BedrockHAConfig } from '../src/index.js';
import { DeadlineExceededError } from '../src/index.js';
import {
  HAIKU,
  harness,
  outcomesIn,
  recordEvents,
  rejection,
  requestCount,
  streamText,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const messages = userMessage(TOKYO_PROMPT);

/** east -> west -> eu, hedged after 100 ms; attempts are not retried, so counts are exact. */
const hedged = (extra: Partial<BedrockHAConfig['chains'][string]> = {}): BedrockHAConfig => ({
  policy: { retry: { maxAttempts: 1 } },
  chains: {
    haiku: {
      hedge: { afterMs: 100 },
      endpoints: [
        { id: 'east', region: 'us-east-1', modelId: HAIKU },
        { id: 'west', region: 'us-west-2', modelId: HAIKU },
        { id: 'eu', region: 'eu-central-1', modelId: HAIKU },
      ],
      ...extra,
    },
  },
});

describe('hedged requests', () => {
  it('answers from the next endpoint when the first is slow, and aborts the slow call', async () => {
    const sim = await simulator();
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 3_000 } });
    const ha = engine(sim, hedged());
    const hedges: string[] = [];
    ha.onHedge(({ to, afterMs }) => hedges.push(`${to.endpointId} after ${afterMs}`));

    const started = performance.now();
    const result = await ha.converse('haiku', { messages });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.servedBy.endpointId).toBe('west');
    expect(hedges).toEqual(['west after 100']);
    await expect.poll(() => outcomesIn(sim, 'us-east-1').aborted).toBe(1);
    expect(
      result.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.reason]),
    ).toEqual([
      ['west', 'success', undefined],
      ['east', 'failure', 'outrun'],
    ]);
    expect(requestCount(sim, { region: 'eu-central-1' })).toBe(0);
  });

  it('keeps the first endpoint when it answers first, aborting the hedge', async () => {
    const sim = await simulator();
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 250 } });
    sim.faults.add({ match: { region: 'us-west-2' }, fault: { type: 'latency', ms: 3_000 } });
    const ha = engine(sim, hedged());
    const result = await ha.converse('haiku', { messages });
    expect(result.servedBy.endpointId).toBe('east');
    await expect.poll(() => outcomesIn(sim, 'us-west-2').aborted).toBe(1);
  });

  it('makes no second call when the first endpoint answers in time', async () => {
    const sim = await simulator();
    // "In time" with room for a loaded machine: a quick answer takes far less than 1.5 s.
    const ha = engine(sim, hedged({ hedge: { afterMs: 1_500 } }));
    const events = recordEvents(ha);
    for (let request = 0; request < 5; request++)
      expect((await ha.converse('haiku', { messages })).servedBy.endpointId).toBe('east');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(requestCount(sim, { region: 'us-west-2' })).toBe(0);
    expect(events.failovers).toHaveLength(0);
  });

  it('never calls an endpoint twice: a lane that failed over has taken the next endpoint', async () => {
    const sim = await simulator();
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    sim.faults.add({ match: { region: 'us-west-2' }, fault: { type: 'latency', ms: 300 } });
    const ha = engine(sim, hedged());
    // east fails at once, the lane moves to west (slow); at 100 ms the hedge starts on eu.
    const result = await ha.converse('haiku', { messages });
    expect(result.servedBy.endpointId).toBe('eu');
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
    expect(requestCount(sim, { region: 'eu-central-1' })).toBe(1);
    // The outrun call on west is logged once its abort has settled.
    await expect.poll(() => requestCount(sim, { region: 'us-west-2' })).toBe(1);
  });

  it('hedges a stream whose first token is late, and the caller reads one answer', async () => {
    const sim = await simulator();
    sim.faults.add({
      match: { region: 'us-east-1', operation: 'ConverseStream' },
      fault: { type: 'stream-stall', afterEvents: 1, ms: 3_000 },
    });
    const ha = engine(sim, hedged());
    const { stream, servedBy } = await ha.converseStream('haiku', { messages });
    expect(servedBy.endpointId).toBe('west');
    expect(await streamText(stream)).toBe('Tokyo');
    await expect.poll(() => outcomesIn(sim, 'us-east-1').aborted).toBe(1);
  });

  it('rejects once with DeadlineExceededError when every lane is slower than the deadline', async () => {
    const sim = await simulator();
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 3_000 } });
    const ha = engine(sim, hedged({ deadlineMs: 300 }));
    const events = recordEvents(ha);
    const error = await rejection(ha.converse('haiku', { messages }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(events.deadlines).toHaveLength(1);
    await expect
      .poll(() => (outcomesIn(sim, 'us-east-1').aborted ?? 0) + (outcomesIn(sim, 'us-west-2').aborted ?? 0))
      .toBe(2);
  });

  it('counts each second start in bedrock_ha.hedges', async () => {
    class Reader extends MetricReader {
      protected override async onShutdown(): Promise<void> {}
      protected override async onForceFlush(): Promise<void> {}
    }
    const reader = new Reader();
    const sim = await simulator();
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 3_000 } });
    const ha = engine(sim, hedged(), {
      telemetry: { meterProvider: new MeterProvider({ readers: [reader] }) },
    });
    await ha.converse('haiku', { messages });
    const { resourceMetrics } = await reader.collect();
    const hedges = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'bedrock_ha.hedges');
    expect(
      hedges?.dataPoints.map((point) => [point.attributes['bedrock_ha.endpoint.id'], point.value]),
    ).toEqual([['west', 1]]);
  });
});
