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

  it('calls back its listeners once when it aborts, except those that unsubscribed', () => {
    const caller = new AbortController();
    const clock = new RequestClock(caller.signal, undefined);
    const calls: string[] = [];
    clock.onAbort(() => calls.push('kept'));
    const unsubscribe = clock.onAbort(() => calls.push('dropped'));
    unsubscribe();
    const reason = new Error('client disconnected');
    caller.abort(reason);
    caller.abort(new Error('again'));
    expect(calls).toEqual(['kept']);
    expect(clock.reason).toBe(reason);
    // Registered after the abort: never called (the caller checks `aborted` first).
    clock.onAbort(() => calls.push('late'));
    expect(calls).toEqual(['kept']);
    clock.dispose();
  });

  it('builds its signal on first use, aborted with the reason when the clock already is', () => {
    const clock = new RequestClock(undefined, 300);
    const early = clock.signal;
    vi.advanceTimersByTime(300);
    expect(early.aborted).toBe(true);
    expect(clock.deadlinePassed).toBe(true);

    const reason = new Error('gone');
    const late = new RequestClock(AbortSignal.abort(reason), undefined);
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(reason);
    clock.dispose();
    late.dispose();
  });

  it('aborts its lanes with its own reason; a lane outrun stops alone', () => {
    const clock = new RequestClock(undefined, 300);
    const first = clock.lane();
    const second = clock.lane();
    expect(vi.getTimerCount()).toBe(1);
    first.outrun();
    expect(first.aborted).toBe(true);
    expect(first.wasOutrun).toBe(true);
    expect(clock.aborted).toBe(false);
    expect(second.aborted).toBe(false);
    vi.advanceTimersByTime(300);
    expect(second.aborted).toBe(true);
    expect(second.deadlinePassed).toBe(true);
    expect(first.deadlinePassed).toBe(false);
    for (const each of [first, second, clock]) each.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
