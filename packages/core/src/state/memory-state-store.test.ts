import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from './memory-state-store.js';

/** A store on a clock the test moves. */
function storeAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, store: new MemoryStateStore({ now: () => clock.now }) };
}

describe('MemoryStateStore', () => {
  it('reads an unknown breaker as absent and returns the record last written', () => {
    const { store } = storeAt();
    expect(store.readBreaker('a')).toBeUndefined();
    store.writeBreaker('a', { state: 'open', openUntil: 5, coolDownMs: 5 });
    store.writeBreaker('a', { state: 'closed', openUntil: 0, coolDownMs: 0 });
    expect(store.readBreaker('a')).toEqual({ state: 'closed', openUntil: 0, coolDownMs: 0 });
  });

  it('gives the probe to one caller until it is released or its TTL passes', () => {
    const { clock, store } = storeAt();
    expect(store.acquireProbe('a', 100)).toBe(true);
    expect(store.acquireProbe('a', 100)).toBe(false);
    expect(store.acquireProbe('b', 100)).toBe(true);
    store.releaseProbe('a');
    expect(store.acquireProbe('a', 100)).toBe(true);
    clock.now += 100;
    expect(store.acquireProbe('a', 100)).toBe(true);
  });

  it('counts failures until reset, and forgets a count with no failure for its window', () => {
    const { clock, store } = storeAt();
    expect(store.countFailure('a', 100)).toBe(1);
    clock.now += 99;
    expect(store.countFailure('a', 100)).toBe(2);
    expect(store.countFailure('b', 100)).toBe(1);
    store.resetFailures('a');
    expect(store.countFailure('a', 100)).toBe(1);
    clock.now += 100;
    expect(store.countFailure('a', 100)).toBe(1);
  });

  it('takes tokens from a bucket that starts full, refuses what it cannot pay, refills to capacity', () => {
    const { store } = storeAt();
    expect(store.takeTokens('a', 15, 20)).toBe(5);
    expect(store.takeTokens('a', 10, 20)).toBeUndefined();
    expect(store.takeTokens('a', 5, 20)).toBe(0);
    expect(store.refillTokens('a', 12, 20)).toBe(12);
    expect(store.refillTokens('a', 12, 20)).toBe(20);
  });

  it('reserves within a window limit, corrects and releases, and starts each window empty', () => {
    const { clock, store } = storeAt(60_000 * 10 + 59_000);
    const window = { windowMs: 60_000, limit: 100 };
    const first = store.reserve('tpm', 70, window);
    expect(first).toMatchObject({ amount: 70, total: 70, windowStart: 600_000 });
    expect(store.reserve('tpm', 40, window)).toBeUndefined();
    store.settle(first!, 30);
    expect(store.readWindow('tpm', 60_000)).toBe(30);
    const second = store.reserve('tpm', 40, window);
    expect(second).toMatchObject({ total: 70 });
    store.settle(second!, 0);
    expect(store.readWindow('tpm', 60_000)).toBe(30);

    clock.now += 1_000;
    expect(store.readWindow('tpm', 60_000)).toBe(0);
    // A reservation from a window that is over changes nothing in the new one.
    const next = store.reserve('tpm', 10, window);
    store.settle(first!, 50);
    expect(store.readWindow('tpm', 60_000)).toBe(10);
    expect(next).toMatchObject({ windowStart: 660_000 });
    expect(store.reserve('rpm', 1_000_000, { windowMs: 60_000 })).toMatchObject({ total: 1_000_000 });
  });

  it('answers the total the last window ended with, corrected by late settlements, and counts what was added there unseen', () => {
    const { clock, store } = storeAt(600_000);
    const last = store.reserve('tpm', 80, { windowMs: 60_000 })!;
    clock.now = 660_000;
    // The caller saw none of the last window's 80: they count against its limit with its own 10.
    const window = { windowMs: 60_000, limit: 100, previousSeen: 0 };
    expect(store.reserve('tpm', 10, window)).toMatchObject({ total: 10, previousTotal: 80 });
    expect(store.reserve('tpm', 11, window)).toBeUndefined();
    expect(store.reserve('tpm', 11, { ...window, previousSeen: 80 })).toMatchObject({ total: 21 });
    store.settle(last, 30);
    expect(store.reserve('tpm', 1, { windowMs: 60_000 })).toMatchObject({ total: 22, previousTotal: 30 });
    clock.now = 780_000;
    // Two windows on: the one before was empty.
    expect(store.reserve('tpm', 1, { windowMs: 60_000 })).toMatchObject({ total: 1, previousTotal: 0 });
  });
});
