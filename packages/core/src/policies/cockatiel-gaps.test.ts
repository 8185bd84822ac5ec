// Why the chain runner does two things itself instead of leaving them to cockatiel 4. If either
// test starts failing after a cockatiel upgrade, the matching workaround in chain-runner.ts can go.
import { ConstantBackoff, handleAll, isTaskCancelledError, retry, TimeoutStrategy, timeout } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('cockatiel 4 gaps the chain runner works around', () => {
  it("retry's backoff sleep ignores the abort signal, then calls again (so the runner sleeps on its own)", async () => {
    const policy = retry(handleAll, { maxAttempts: 1, backoff: new ConstantBackoff(10_000) });
    const controller = new AbortController();
    let calls = 0;
    let settled = false;
    const run = policy
      .execute(() => {
        calls += 1;
        throw new Error('throttled');
      }, controller.signal)
      .catch(() => undefined)
      .finally(() => {
        settled = true;
      });
    await vi.advanceTimersByTimeAsync(1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(9_000);
    // Aborted 9 s ago, still sleeping: a request deadline would be overrun by the whole backoff.
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await run;
    // And the aborted request is sent once more.
    expect(calls).toBe(2);
  });

  it("an aggressive timeout can lose the race to the call's own abort error (so the runner flags timeouts itself)", async () => {
    const policy = timeout(50, TimeoutStrategy.Aggressive);
    let timedOut = false;
    policy.onTimeout(() => {
      timedOut = true;
    });
    // Like the AWS SDK: the request rejects with an AbortError the moment its signal aborts.
    const run = policy
      .execute(
        ({ signal }) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          }),
      )
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(50);
    const error = await run;
    expect(timedOut).toBe(true);
    // 4.x fixed isTaskCancelledError's marker, but the error that arrives is the call's, not cockatiel's.
    expect(isTaskCancelledError(error)).toBe(false);
    expect((error as Error).name).toBe('AbortError');
  });
});
