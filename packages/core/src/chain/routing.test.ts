import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../config/defaults.js';
import { resolveConfig } from '../config/resolve-config.js';
import { EndpointState } from '../policies/endpoint-policies.js';
import { classifyError } from '../policies/error-classification.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import type { Admission } from '../state/shared-breaker.js';
import { EventHub } from '../telemetry/events.js';
import type { Chain, Endpoint } from './endpoint.js';
import { LatencyStats } from './latency-stats.js';
import { ADAPTIVE_EXPLORATION_RATE, endpointOrder, withAffinity } from './routing.js';

function endpoint(id: string): Endpoint {
  return {
    id,
    kind: 'on-demand',
    region: 'us-east-1',
    modelId: 'm',
    weight: 1,
    policy: DEFAULT_POLICY,
    client: {},
  };
}

const [east, west, north] = [endpoint('east'), endpoint('west'), endpoint('north')] as const;

function chain(routing: Chain['routing'], endpoints: readonly Endpoint[] = [east, west, north]): Chain {
  return { name: 'c', endpoints, routing, deadlineMs: undefined, resume: false, hedgeAfterMs: undefined };
}

/** Breaker states by endpoint id: only `breakerState` is read. */
function states(open: readonly string[] = []): ReadonlyMap<string, EndpointState> {
  return new Map(
    [east, west, north].map((each) => [
      each.id,
      { breakerState: open.includes(each.id) ? 'open' : 'closed' } as EndpointState,
    ]),
  );
}

/** A random source that returns the given values in turn. */
function scripted(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length]!;
}

function ids(order: readonly Endpoint[]): string[] {
  return order.map((each) => each.id);
}

function measured(latencies: Record<string, number>, now = () => 0): LatencyStats {
  const stats = new LatencyStats({ now });
  for (const [id, latencyMs] of Object.entries(latencies)) stats.succeeded(id, latencyMs);
  return stats;
}

describe('endpointOrder, adaptive', () => {
  const notExploring = 0.5; // >= ADAPTIVE_EXPLORATION_RATE

  it('puts the faster of the two random picks first and keeps the others in configured order', () => {
    const stats = measured({ east: 400, west: 30, north: 100 });
    // Picks index 0 (east) and, of the other two, the first (west).
    const order = endpointOrder(chain('adaptive'), states(), scripted(notExploring, 0, 0), stats);
    expect(ids(order)).toEqual(['west', 'east', 'north']);
    // Picks east and north: north is faster.
    expect(ids(endpointOrder(chain('adaptive'), states(), scripted(notExploring, 0, 0.9), stats))).toEqual([
      'north',
      'east',
      'west',
    ]);
  });

  it('always takes the better of two endpoints, and an endpoint never measured first', () => {
    const two = chain('adaptive', [east, west]);
    const stats = measured({ east: 400, west: 30 });
    for (const value of [0.1, 0.6, 0.99])
      expect(ids(endpointOrder(two, states(), scripted(notExploring, value, value), stats))).toEqual([
        'west',
        'east',
      ]);
    expect(
      ids(endpointOrder(two, states(), scripted(notExploring, 0.1, 0.1), measured({ west: 30 }))),
    ).toEqual(['east', 'west']);
  });

  it('prefers a slower endpoint to a faster one that keeps failing', () => {
    const later = new LatencyStats({ now: scripted(0, 10_000, 10_000) });
    later.succeeded('west', 60);
    later.failed('west'); // 10 s later: its error rate is now ~1, its expected time ~20 x 60 ms
    later.succeeded('east', 100);
    const two = chain('adaptive', [east, west]);
    expect(ids(endpointOrder(two, states(), scripted(notExploring, 0, 0), later))).toEqual(['east', 'west']);
  });

  it('explores the endpoint measured longest ago for a small share of requests', () => {
    let now = 0;
    const stats = new LatencyStats({ now: () => now });
    stats.succeeded('east', 400);
    now = 5_000;
    stats.succeeded('west', 30);
    stats.succeeded('north', 100);
    const exploring = ADAPTIVE_EXPLORATION_RATE / 2;
    expect(ids(endpointOrder(chain('adaptive'), states(), scripted(exploring), stats))).toEqual([
      'east',
      'west',
      'north',
    ]);
  });

  it('picks among endpoints whose breaker is closed; all of them when none is', () => {
    const stats = measured({ east: 400, west: 30, north: 100 });
    const order = endpointOrder(chain('adaptive'), states(['west']), scripted(notExploring, 0, 0), stats);
    expect(ids(order)).toEqual(['north', 'east', 'west']);
    const allOpen = endpointOrder(
      chain('adaptive'),
      states(['east', 'west', 'north']),
      scripted(notExploring, 0, 0),
      stats,
    );
    expect(ids(allOpen)[0]).toBe('west');
  });

  it('leaves out parked endpoints and those without capacity for the request now', () => {
    const { chains } = resolveConfig({
      chains: {
        c: {
          routing: 'adaptive',
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: 'm', capacity: { tokensPerMinute: 1_000 } },
            { id: 'west', region: 'us-west-2', modelId: 'm' },
            { id: 'north', region: 'eu-north-1', modelId: 'm' },
          ],
        },
      },
    });
    const live = chains.get('c')!;
    const store = new MemoryStateStore();
    const real = new Map(
      live.endpoints.map((each) => [
        each.id,
        new EndpointState(each, classifyError, false, new EventHub(), store),
      ]),
    );
    // West spends its daily quota: parked until the window resets.
    const west = real.get('west')!;
    west.ended(west.admit() as Admission, 'failure', 'daily-quota');
    // East has 100 of its 1,000 tokens a minute left.
    expect(real.get('east')!.capacity!.admit({ inputTokens: 900, maxTokens: 0 })).toBeDefined();
    const stats = measured({ east: 30, west: 20, north: 400 });
    const first = (demand: { inputTokens: number; maxTokens: number }, value: number) =>
      ids(endpointOrder(live, real, scripted(notExploring, value, value), stats, demand))[0];
    for (const value of [0, 0.5, 0.99]) {
      // North is the slowest, but the only one with room for 600 tokens: every pick is north.
      expect(first({ inputTokens: 500, maxTokens: 100 }, value)).toBe('north');
      // 100 tokens fit east, which is faster; west stays parked.
      expect(first({ inputTokens: 50, maxTokens: 50 }, value)).toBe('east');
    }
  });

  it('leaves ordered chains in configured order', () => {
    const stats = measured({ east: 400, west: 30, north: 100 });
    expect(ids(endpointOrder(chain('ordered'), states(), scripted(notExploring), stats))).toEqual([
      'east',
      'west',
      'north',
    ]);
  });
});

describe('withAffinity', () => {
  /** Breakers closed, but open (and cooling down) for `notReady`. */
  const ready = (...notReady: string[]) => states(notReady);
  const order = [east, west, north];

  it("moves the key's home to the front when it is ready", () => {
    expect(ids(withAffinity(chain('weighted'), order, { home: 'north', away: undefined }, ready()))).toEqual([
      'north',
      'east',
      'west',
    ]);
    // The stand-in comes next, for when the home turns the attempt away (at capacity).
    expect(ids(withAffinity(chain('weighted'), order, { home: 'north', away: 'west' }, ready()))).toEqual([
      'north',
      'west',
      'east',
    ]);
  });

  it('falls back to the endpoint that served the key last while the home is not ready', () => {
    const preference = { home: 'north', away: 'west' };
    expect(ids(withAffinity(chain('adaptive'), order, preference, ready('north')))).toEqual([
      'west',
      'east',
      'north',
    ]);
    expect(withAffinity(chain('adaptive'), order, preference, ready('north', 'west'))).toBe(order);
  });

  it('leaves ordered chains, unknown keys and endpoints outside the chain alone', () => {
    const preference = { home: 'north', away: undefined };
    expect(withAffinity(chain('ordered'), order, preference, ready())).toBe(order);
    expect(withAffinity(chain('weighted'), order, undefined, ready())).toBe(order);
    expect(withAffinity(chain('weighted'), order, { home: 'gone', away: undefined }, ready())).toBe(order);
  });
});
