import type { AbortSource } from './request-clock.js';

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts; the timer never outlives it. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects with the source's reason the moment it aborts, even when the
 * work under it does not honour it (a call stuck in a bulkhead queue, a hung socket).
 */
export function raceAbort<T>(promise: Promise<T>, source: AbortSource): Promise<T> {
  if (source.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(source.reason);
  }
  return new Promise((resolve, reject) => {
    const unsubscribe = source.onAbort(() => reject(source.reason));
    promise.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}

/** Aborts `controller` (with the same reason) when `parent` aborts, until the returned unlink is called. */
export function follow(parent: AbortSignal | undefined, controller: AbortController): () => void {
  if (!parent) return () => undefined;
  if (parent.aborted) {
    controller.abort(parent.reason);
    return () => undefined;
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return () => parent.removeEventListener('abort', onAbort);
}

/** An AbortController that also aborts when `parent` does, until `unlink()` is called. */
export function childController(parent: AbortSignal | undefined): {
  controller: AbortController;
  unlink(): void;
} {
  const controller = new AbortController();
  return { controller, unlink: follow(parent, controller) };
}
