import { createHook } from 'node:async_hooks';

/**
 * Watches the timers created from now on, vitest's own left out (the same check as the core's test
 * harness). `left()` gives the creation stack of each one still pending and keeping the process
 * alive: call it after closing everything.
 */
export function watchTimers() {
  const pending = new Map<number, { timer: { hasRef(): boolean }; stack: string }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      const origin = stack
        .split('\n')
        .slice(2)
        .find((frame) => !frame.includes('(node:'));
      if (!/[\\/]vitest[\\/]|@vitest/.test(origin ?? ''))
        pending.set(asyncId, { timer: resource as { hasRef(): boolean }, stack });
    },
    destroy: (asyncId) => pending.delete(asyncId),
  }).enable();
  return {
    async left(): Promise<string[]> {
      // Node reports a cleared timer's end on a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      hook.disable();
      return [...pending.values()].filter(({ timer }) => timer.hasRef()).map(({ stack }) => stack);
    },
  };
}
