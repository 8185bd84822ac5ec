import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestClock } from './request-clock.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RequestClock', () => {
  it('never aborts and sets no timer without a deadline or a caller signal', () => {
    const clock = new RequestClock(undefined, undefined);
    expect(vi.getTimerCount()).toBe(0);
    expect(clock.remainingMs()).toBe(Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(1_000_000);
    expect(clock.signal.aborted).toBe(false);
    clock.dispose();
  });

  it('aborts at the deadline, and says the deadline did it', () => {
    const clock = new RequestClock(undefined, 300);
    expect(vi.getTimerCount()).toBe(1);
    expect(clock.remainingMs()).toBe(300);
    vi.advanceTimersByTime(120);
    expect(clock.remainingMs()).toBe(180);
    vi.advanceTimersByTime(179);
    expect(clock.signal.aborted).toBe(false);
    expect(clock.deadlinePassed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(clock.signal.aborted).toBe(true);
    expect(clock.deadlinePassed).toBe(true);
    expect(clock.remainingMs()).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(clock.remainingMs()).toBe(0);
    clock.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts with the caller’s reason when the caller aborts first', () => {
    const caller = new AbortController();
    const clock = new RequestClock(caller.signal, 300);
    const reason = new Error('client disconnected');
    vi.advanceTimersByTime(100);
    caller.abort(reason);
    expect(clock.signal.aborted).toBe(true);
    expect(clock.signal.reason).toBe(reason);
    expect(clock.deadlinePassed).toBe(false);
    clock.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts aborted, with no timer, from an already-aborted caller signal', () => {
    const reason = new Error('gone');
    const clock = new RequestClock(AbortSignal.abort(reason), 300);
    expect(clock.signal.aborted).toBe(true);
    expect(clock.signal.reason).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    clock.dispose();
  });

  it('clears its timer and lets go of the caller on dispose', () => {
    const caller = new AbortController();
    const clock = new RequestClock(caller.signal, 300);
    expect(vi.getTimerCount()).toBe(1);
    clock.dispose();
    expect(vi.getTimerCount()).toBe(0);
    caller.abort();
    vi.advanceTimersByTime(1_000);
    // A finished request is not aborted afterwards by either.
    expect(clock.signal.aborted).toBe(false);
  });

  it('is safe to dispose twice', () => {
    const clock = new RequestClock(new AbortController().signal, 300);
    clock.dispose();
    clock.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
