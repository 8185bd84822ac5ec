import { afterEach, describe, expect, it, vi } from 'vitest';
import { type StoreFallbackEvent, withLocalFallback } from './local-fallback-store.js';
import { MemoryStateStore } from './memory-state-store.js';
import type { StateStore } from './state-store.js';

/**
 * A stand-in for a networked store (the external dependency): a real in-memory store whose calls
 * can be made to throw, or to answer after `delayMs` through a promise, as a remote one would.
 */
function flakyStore() {
  const inner = new MemoryStateStore();
  const fault = { mode: 'ok' as 'ok' | 'throw' | 'slow', delayMs: 0, calls: 0 };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        fault.calls++;
        if (fault.mode === 'throw') throw new Error('ECONNREFUSED 127.0.0.1:6379');
        const answer = value.apply(target, args);
        if (fault.mode === 'ok') return answer;
        return new Promise((resolve) => setTimeout(() => resolve(answer), fault.delayMs));
      };
    },
  }) as StateStore;
  return { inner, fault, store };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('withLocalFallback', () => {
  it("answers with the store's own answers while it works", () => {
    const { inner, store } = flakyStore();
    inner.takeTokens('budget', 15, 20);
    const wrapped = withLocalFallback(store);
    // The store's bucket (5 left), not the local one (20).
    expect(wrapped.takeTokens('budget', 10, 20)).toBeUndefined();
    expect(wrapped.takeTokens('budget', 5, 20)).toBe(0);
  });

  it('answers from local state when the store throws, and reports each fallback', () => {
    const { fault, store } = flakyStore();
    const events: StoreFallbackEvent[] = [];
    const wrapped = withLocalFallback(store, { onFallback: (event) => events.push(event) });
    wrapped.writeBreaker('pt', { state: 'open', openUntil: 9, coolDownMs: 9 });
    fault.mode = 'throw';
    expect(wrapped.readBreaker('pt')).toEqual({ state: 'open', openUntil: 9, coolDownMs: 9 });
    expect(wrapped.acquireProbe('pt', 1_000)).toBe(true);
    expect(events.map((event) => [event.operation, event.reason])).toEqual([
      ['readBreaker', 'error'],
      ['acquireProbe', 'error'],
    ]);
    expect(String(events[0]!.error)).toContain('ECONNREFUSED');
  });

  it('answers from local state when the store is slower than its bound, and clears its timer', async () => {
    vi.useFakeTimers();
    const { fault, store } = flakyStore();
    fault.mode = 'slow';
    fault.delayMs = 50;
    const events: StoreFallbackEvent[] = [];
    const wrapped = withLocalFallback(store, { timeoutMs: 5, onFallback: (event) => events.push(event) });
    const answer = wrapped.takeTokens('budget', 5, 20);
    await vi.advanceTimersByTimeAsync(5);
    await expect(answer).resolves.toBe(15);
    expect(events).toEqual([{ operation: 'takeTokens', reason: 'timeout' }]);

    // A store that answers within the bound is waited for.
    fault.delayMs = 2;
    const inTime = wrapped.refillTokens('budget', 1, 20);
    await vi.advanceTimersByTimeAsync(2);
    await expect(inTime).resolves.toBe(16);
    await vi.advanceTimersByTimeAsync(50);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops calling a failing store for its cool-down, then tries it again', () => {
    const clock = { now: 0 };
    const { fault, store } = flakyStore();
    const changes: string[] = [];
    const wrapped = withLocalFallback(store, {
      now: () => clock.now,
      failureThreshold: 2,
      coolDownMs: 1_000,
      onStoreStateChange: (state) => changes.push(state),
    });
    fault.mode = 'throw';
    wrapped.readWindow('rpm', 60_000);
    wrapped.readWindow('rpm', 60_000);
    expect(changes).toEqual(['open']);
    const callsWhenOpened = fault.calls;
    wrapped.readWindow('rpm', 60_000);
    expect(fault.calls).toBe(callsWhenOpened);

    clock.now += 1_000;
    fault.mode = 'ok';
    wrapped.readWindow('rpm', 60_000);
    expect(fault.calls).toBe(callsWhenOpened + 1);
    expect(changes).toEqual(['open', 'closed']);
  });

  it('writes breakers opened while the store was away to it once it answers, not older ones', async () => {
    const { inner, fault, store } = flakyStore();
    const wrapped = withLocalFallback(store);
    const later = Date.now() + 60_000;
    inner.writeBreaker('other', { state: 'open', openUntil: later + 1_000, coolDownMs: 61_000 });
    fault.mode = 'throw';
    wrapped.writeBreaker('pt', { state: 'open', openUntil: later, coolDownMs: 60_000 });
    wrapped.writeBreaker('other', { state: 'open', openUntil: later, coolDownMs: 60_000 });
    wrapped.writeBreaker('gone', { state: 'open', openUntil: Date.now() - 1, coolDownMs: 1 });
    wrapped.writeBreaker('closed', { state: 'closed', openUntil: 0, coolDownMs: 0 });
    expect(inner.readBreaker('pt')).toBeUndefined();

    fault.mode = 'ok';
    wrapped.takeTokens('budget', 1, 10);
    await vi.waitFor(() =>
      expect(inner.readBreaker('pt')).toEqual({ state: 'open', openUntil: later, coolDownMs: 60_000 }),
    );
    // The store's own breaker open for longer (another instance's) is kept; a cool-down over and a
    // closing are not pushed (a closing could hide another instance's opening).
    expect(inner.readBreaker('other')?.openUntil).toBe(later + 1_000);
    expect(inner.readBreaker('gone')).toBeUndefined();
    expect(inner.readBreaker('closed')).toBeUndefined();
  });

  it('re-sends a breaker written locally a second later, even with no other store call', async () => {
    vi.useFakeTimers();
    const { inner, fault, store } = flakyStore();
    const wrapped = withLocalFallback(store);
    const record = { state: 'open', openUntil: Date.now() + 60_000, coolDownMs: 60_000 } as const;
    fault.mode = 'throw';
    wrapped.writeBreaker('pt', record);
    fault.mode = 'ok';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(inner.readBreaker('pt')).toEqual(record);
  });

  it('refuses a bound that is not a whole number of at least 1 when it is made', () => {
    expect(() => withLocalFallback(new MemoryStateStore(), { failureThreshold: 0 })).toThrow(
      new RangeError('withLocalFallback: failureThreshold must be a whole number of at least 1, got 0'),
    );
    expect(() => withLocalFallback(new MemoryStateStore(), { coolDownMs: 0.5 })).toThrow(RangeError);
  });

  it('wraps a store once', () => {
    const wrapped = withLocalFallback(new MemoryStateStore());
    expect(withLocalFallback(wrapped)).toBe(wrapped);
  });
});
