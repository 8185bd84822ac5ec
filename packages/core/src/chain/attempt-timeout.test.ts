import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TIMED_OUT, withTimeout } from './attempt-timeout.js';
import { RequestClock, signalSource } from './request-clock.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  it('aborts the call at the timeout and settles then, even when the call ignores its signal', async () => {
    let signal: AbortSignal | undefined;
    const run = withTimeout(3_000, signalSource(new AbortController().signal), (given) => {
      signal = given;
      return new Promise(() => undefined);
    }).catch((error: unknown) => error);
    vi.advanceTimersByTime(2_999);
    expect(signal?.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal?.aborted).toBe(true);
    expect(await run).toBe(TIMED_OUT);
  });

  it("follows the parent's abort with its reason, and stops following once the call settled", async () => {
    const parent = new AbortController();
    let signal: AbortSignal | undefined;
    const reason = new Error('cancelled');
    const run = withTimeout(3_000, signalSource(parent.signal), (given) => {
      signal = given;
      return new Promise(() => undefined);
    }).catch((error: unknown) => error);
    parent.abort(reason);
    expect(signal?.aborted).toBe(true);
    expect(await run).toBe(reason);

    const other = new AbortController();
    let settledSignal: AbortSignal | undefined;
    expect(
      await withTimeout(3_000, signalSource(other.signal), async (given) => {
        settledSignal = given;
        return 'answer';
      }),
    ).toBe('answer');
    other.abort();
    vi.advanceTimersByTime(3_000);
    // Neither the parent's abort nor the cleared timer reaches a call that has settled.
    expect(settledSignal?.aborted).toBe(false);
  });

  it("passes on the call's own error, and rejects at once under an aborted parent", async () => {
    const failure = new Error('throttled');
    await expect(
      withTimeout(3_000, signalSource(new AbortController().signal), () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    const parent = new AbortController();
    parent.abort('gone');
    const call = vi.fn();
    await expect(withTimeout(3_000, signalSource(parent.signal), call)).rejects.toBe('gone');
    expect(call).not.toHaveBeenCalled();
  });

  it("follows a request clock's deadline, and lets go of the clock once the call settled", async () => {
    const clock = new RequestClock(undefined, 1_000);
    let signal: AbortSignal | undefined;
    const run = withTimeout(3_000, clock, (given) => {
      signal = given;
      return new Promise(() => undefined);
    }).catch((error: unknown) => error);
    vi.advanceTimersByTime(1_000);
    expect(signal?.aborted).toBe(true);
    expect(clock.deadlinePassed).toBe(true);
    expect(await run).toBe(clock.reason);
    clock.dispose();

    const caller = new AbortController();
    const served = new RequestClock(caller.signal, undefined);
    let settledSignal: AbortSignal | undefined;
    expect(
      await withTimeout(3_000, served, async (given) => {
        settledSignal = given;
        return 'answer';
      }),
    ).toBe('answer');
    caller.abort();
    expect(served.aborted).toBe(true);
    expect(settledSignal?.aborted).toBe(false);
    served.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
