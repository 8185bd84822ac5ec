/** What {@link withTimeout} rejects with when the time is up (the caller names the error). */
export const TIMED_OUT = Symbol('bedrock-ha.timedOut');

/**
 * Runs `call` under its own signal, which aborts after `ms` or as soon as `parent` does, and settles
 * at that moment even if the call does not honour its signal (rejecting with {@link TIMED_OUT} on
 * the timeout, with the parent's reason on its abort). On the healthy path it costs one
 * AbortController, one timer and one listener on `parent`, all released when the call settles:
 * what cockatiel's aggressive TimeoutPolicy did, without its executor, events and promise races.
 */
export function withTimeout<T>(
  ms: number,
  parent: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return Promise.reject(parent.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      controller.abort(parent.reason);
      reject(parent.reason);
    };
    const timer = setTimeout(() => {
      parent.removeEventListener('abort', onAbort);
      controller.abort();
      reject(TIMED_OUT);
    }, ms);
    parent.addEventListener('abort', onAbort, { once: true });
    let running: Promise<T>;
    try {
      running = call(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => {
        clearTimeout(timer);
        parent.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        parent.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
