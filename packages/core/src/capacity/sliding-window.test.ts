import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { SlidingWindow } from './sliding-window.js';

function windowAt(start: number) {
  const clock = { now: start };
  const now = () => clock.now;
  return { clock, window: new SlidingWindow(new MemoryStateStore({ now }), 'pt', 1_000, now) };
}

describe('SlidingWindow', () => {
  it('admits up to the limit and refuses beyond it', () => {
    const { window } = windowAt(10_000);
    expect(window.reserve(60, 100)).toBeDefined();
    expect(window.reserve(50, 100)).toBeUndefined();
    expect(window.reserve(40, 100)).toBeDefined();
    expect(window.used()).toBe(100);
  });

  it("weighs the previous window's use by how much of it still overlaps", () => {
    const { clock, window } = windowAt(10_000);
    window.reserve(100, 100);
    clock.now = 11_250;
    // A quarter into the next window, three quarters of the last one's 100 still count.
    expect(window.used()).toBe(75);
    expect(window.reserve(30, 100)).toBeUndefined();
    expect(window.reserve(25, 100)).toBeDefined();
    clock.now = 12_000;
    expect(window.used()).toBe(25);
  });

  it('gives back what a settlement corrects, also after the window has rolled over', () => {
    const { clock, window } = windowAt(10_000);
    const reservation = window.reserve(100, 100)!;
    clock.now = 11_500;
    expect(window.used()).toBe(50);
    window.settle(reservation as never, 20);
    expect(window.used()).toBe(10);
  });

  it('lets one reservation larger than the room into an empty window when asked to', () => {
    const { window } = windowAt(10_000);
    expect(window.reserve(150, 100)).toBeUndefined();
    expect(window.reserve(150, 100, true)).toBeDefined();
    expect(window.reserve(1, 100, true)).toBeUndefined();
  });
});
