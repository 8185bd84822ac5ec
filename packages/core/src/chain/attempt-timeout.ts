import type { AbortSource } from './request-clock.js';

/** What {@link withTimeout} rejects with when the time is up (the caller names the error). */
export const TIMED_OUT = Symbol('bedrock-ha.timedOut');

/**
 * Runs `call` under its own signal, which aborts after `ms` or as soon as `parent` does, and settles
 * at that moment even if the call does not honour its signal (rejecting with `timedOut()`, by
 * default {@link TIMED_OUT}, on the timeout, with the parent's reason on its abort). On the healthy path it costs one
 * AbortController (the call's signal, which the SDK needs), one timer and one registration with
 * `parent` (a request clock's, no EventTarget listener), all released when the call settles.
 */
export function withTimeout<T>(
  ms: number,
  parent: AbortSource,
  call: (signal: AbortSignal) => Promise<T>,
  timedOut: () => unknown = () => TIMED_OUT,
): Promise<T> {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return Promise.reject(parent.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = parent.onAbort(() => {
      clearTimeout(timer);
      controller.abort(parent.reason);
      reject(parent.reason);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      controller.abort();
      reject(timedOut());
    }, ms);
    let running: Promise<T>;
    try {
      running = call(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        unsubscribe();
        reject(error);
      },
    );
  });
}
