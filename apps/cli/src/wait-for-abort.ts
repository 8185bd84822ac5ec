import { once } from 'node:events';

/** Resolves when the signal aborts: how long-running commands (simulate, serve) wait for Ctrl-C. */
export async function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await once(signal, 'abort');
}
