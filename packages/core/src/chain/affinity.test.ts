import { describe, expect, test } from 'vitest';
import { AffinityTable } from './affinity.js';

function table(ttlMs = 1_000, maxKeys = 100) {
  let now = 0;
  const affinity = new AffinityTable({ ttlMs, maxKeys }, () => now);
  return { affinity, advance: (ms: number) => (now += ms) };
}

describe('AffinityTable', () => {
  test('the first endpoint to serve a key becomes its home', () => {
    const { affinity } = table();
    expect(affinity.preference('chain', 'session')).toBeUndefined();
    affinity.served('chain', 'session', 'a');
    expect(affinity.preference('chain', 'session')).toEqual({ home: 'a', away: undefined });
    expect(affinity.preference('other-chain', 'session')).toBeUndefined();
  });

  test('a failover keeps the home while its cache is warm, preferring the stand-in meanwhile', () => {
    const { affinity, advance } = table();
    affinity.served('chain', 'session', 'a');
    advance(400);
    affinity.served('chain', 'session', 'b');
    expect(affinity.preference('chain', 'session')).toEqual({ home: 'a', away: 'b' });
    advance(400);
    affinity.served('chain', 'session', 'a');
    expect(affinity.preference('chain', 'session')).toEqual({ home: 'a', away: undefined });
  });

  test('once the home has not served the key for the TTL, the endpoint serving it becomes the home', () => {
    const { affinity, advance } = table();
    affinity.served('chain', 'session', 'a');
    advance(600);
    affinity.served('chain', 'session', 'b');
    advance(600);
    affinity.served('chain', 'session', 'b');
    expect(affinity.preference('chain', 'session')).toEqual({ home: 'b', away: undefined });
  });

  test('a key unused for the TTL is forgotten', () => {
    const { affinity, advance } = table();
    affinity.served('chain', 'session', 'a');
    advance(1_000);
    expect(affinity.preference('chain', 'session')).toBeUndefined();
    expect(affinity.size).toBe(0);
  });

  test('keeps at most maxKeys, forgetting the least recently used', () => {
    const { affinity } = table(1_000, 2);
    affinity.served('chain', 'one', 'a');
    affinity.served('chain', 'two', 'a');
    affinity.served('chain', 'one', 'a');
    affinity.served('chain', 'three', 'a');
    expect(affinity.size).toBe(2);
    expect(affinity.preference('chain', 'two')).toBeUndefined();
    expect(affinity.preference('chain', 'one')?.home).toBe('a');
  });

  test('rejects options that cannot work', () => {
    expect(() => new AffinityTable({ ttlMs: 0, maxKeys: 1 })).toThrow(RangeError);
    expect(() => new AffinityTable({ ttlMs: 1, maxKeys: 0.5 })).toThrow(/maxKeys/);
  });
});
