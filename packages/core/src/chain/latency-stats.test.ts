import { describe, expect, it } from 'vitest';
import type { Attempt } from '../errors/attempt.js';
import { LatencyStats } from './latency-stats.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function attempt(endpointId: string, fields: Partial<Attempt>): Attempt {
  return {
    endpoint: { endpointId, region: 'us-east-1', kind: 'on-demand', modelId: 'm' },
    attempt: 1,
    outcome: 'success',
    durationMs: 0,
    ...fields,
  };
}

describe('LatencyStats', () => {
  it('scores an endpoint never measured 0, so that it is tried', () => {
    const stats = new LatencyStats();
    expect(stats.score('east')).toBe(0);
    expect(stats.estimate('east')).toEqual({ latencyMs: undefined, errorRate: 0, sampledAt: undefined });
  });

  it('averages close samples and takes a sample after a long gap nearly whole', () => {
    const time = clock();
    const stats = new LatencyStats({ decayMs: 1_000, now: time.now });
    stats.succeeded('east', 100);
    time.advance(100); // weight 1 - e^-0.1 = 0.095
    stats.succeeded('east', 600);
    expect(stats.estimate('east').latencyMs).toBeCloseTo(100 + 500 * (1 - Math.exp(-0.1)), 5);
    time.advance(10_000); // weight 1 - e^-10: the old average is forgotten
    stats.succeeded('east', 50);
    expect(stats.estimate('east').latencyMs).toBeCloseTo(50, 1);
  });

  it('divides latency by the success rate: an endpoint failing half the time scores twice its latency', () => {
    const time = clock();
    const stats = new LatencyStats({ now: time.now });
    stats.succeeded('east', 100);
    time.advance(1_000 * Math.log(2)); // weight exactly 1/2
    stats.failed('east');
    expect(stats.estimate('east')).toMatchObject({ latencyMs: 100, errorRate: 0.5 });
    expect(stats.score('east')).toBeCloseTo(200, 5);
  });

  it('keeps the score of an endpoint that always fails finite', () => {
    const stats = new LatencyStats();
    stats.failed('east', 1_000);
    expect(stats.score('east')).toBeCloseTo(20_000, 5);
  });

  it("learns from a request's attempts: successes and timeouts by duration, endpoint errors as errors, not skips, request errors or cancellations", () => {
    const time = clock();
    const stats = new LatencyStats({ now: time.now });
    stats.observe([
      attempt('east', { outcome: 'failure', errorClass: 'transient', reason: 'timeout', durationMs: 900 }),
      attempt('west', { outcome: 'skipped', reason: 'circuit-open' }),
      attempt('north', { outcome: 'failure', errorClass: 'request', reason: 'invalid-request' }),
      attempt('south', { outcome: 'failure', errorClass: 'transient', reason: 'cancelled' }),
      attempt('hedged', { outcome: 'failure', errorClass: 'transient', reason: 'outrun' }),
      attempt('central', { outcome: 'failure', errorClass: 'endpoint', reason: 'throttled' }),
      attempt('fast', { outcome: 'success', durationMs: 40 }),
      attempt('stream', {
        outcome: 'failure',
        errorClass: 'transient',
        reason: 'first-token-timeout',
        durationMs: 700,
      }),
    ]);
    expect(stats.estimate('stream')).toMatchObject({ latencyMs: 700, errorRate: 1 });
    expect(stats.estimate('east')).toMatchObject({ latencyMs: 900, errorRate: 1 });
    for (const untouched of ['west', 'north', 'south', 'hedged'])
      expect(stats.estimate(untouched).sampledAt).toBeUndefined();
    expect(stats.estimate('central')).toMatchObject({ latencyMs: undefined, errorRate: 1 });
    expect(stats.estimate('fast')).toMatchObject({ latencyMs: 40, errorRate: 0 });
  });

  it('refuses a time constant that is not positive', () => {
    expect(() => new LatencyStats({ decayMs: 0 })).toThrow(RangeError);
  });
});
