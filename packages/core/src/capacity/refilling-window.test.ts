import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RefillingWindow } from './refilling-window.js';

function windowAt(start: number, refilling = true) {
  const clock = { now: start };
  const now = () => clock.now;
  const store = new MemoryStateStore({ now });
  return { clock, store, window: new RefillingWindow(store, 'pt', 1_000, now, refilling) };
}

describe('RefillingWindow', () => {
  it('admits up to the limit at once and refuses beyond it', () => {
    const { window } = windowAt(10_000);
    expect(window.reserve(60, 100)).toBeDefined();
    expect(window.reserve(50, 100)).toBeUndefined();
    expect(window.reserve(40, 100)).toBeDefined();
    expect(window.used()).toBe(100);
  });

  it('refills continuously at the limit per window, across window boundaries', () => {
    const { clock, window } = windowAt(10_000);
    window.reserve(100, 100);
    clock.now = 10_250;
    expect(window.reserve(30, 100)).toBeUndefined();
    expect(window.reserve(25, 100)).toBeDefined();
    clock.now = 11_100;
    // 85 more have refilled since: 0.85 s at 100 a second.
    expect(window.reserve(86, 100)).toBeUndefined();
    expect(window.reserve(85, 100)).toBeDefined();
  });

  it('gives the bucket back what a settlement corrects, also after the fixed window has ended', () => {
    const { clock, window } = windowAt(10_000);
    const first = window.reserve(100, 100)!;
    clock.now = 11_000;
    window.settle(first as never, 0);
    // Refilled for 1 s and given back: full again.
    expect(window.reserve(100, 100)).toBeDefined();
  });

  it('counts what other instances added against its bucket', () => {
    const { store, window } = windowAt(10_000);
    window.reserve(10, 100);
    store.reserve('pt', 80, { windowMs: 1_000 });
    expect(window.reserve(20, 100)).toBeUndefined();
    expect(window.reserve(10, 100)).toBeDefined();
  });

  it('counts what others added at the end of the last window, after it last looked, against its bucket', () => {
    const { clock, store, window } = windowAt(10_000);
    window.reserve(10, 100);
    clock.now = 10_900;
    store.reserve('pt', 80, { windowMs: 1_000 });
    // Its own 10 have refilled, but the bucket the fleet shares holds the other instance's 80.
    clock.now = 11_000;
    expect(window.reserve(21, 100)).toBeUndefined();
    expect(window.reserve(20, 100)).toBeDefined();
    expect(window.reserve(1, 100)).toBeUndefined();
  });

  it('does not take its own settlement after the window rolled over for another instance’s use', () => {
    const { clock, window } = windowAt(10_000);
    const first = window.reserve(60, 100)!;
    clock.now = 11_000;
    expect(window.reserve(50, 100)).toBeDefined();
    window.settle(first as never, 0);
    expect(window.reserve(50, 100)).toBeDefined();
  });

  it('lets one reservation larger than the bucket into a full bucket when asked to', () => {
    const { window } = windowAt(10_000);
    expect(window.reserve(150, 100)).toBeUndefined();
    expect(window.reserve(150, 100, true)).toBeDefined();
    expect(window.reserve(1, 100, true)).toBeUndefined();
  });

  it('as a fixed window, refills nothing until the window ends', () => {
    const { clock, window } = windowAt(10_000, false);
    window.reserve(100, 100);
    clock.now = 10_900;
    expect(window.reserve(1, 100)).toBeUndefined();
    clock.now = 11_000;
    expect(window.reserve(100, 100)).toBeDefined();
  });
});
