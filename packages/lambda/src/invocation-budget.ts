import type { LambdaContext } from './lambda-types.js';

/** Default time kept back from the invocation's remaining time, for the response and the log line. */
export const DEFAULT_SAFETY_MARGIN_MS = 1000;

/** The invocation ran out of time: Lambda would stop it within the safety margin. */
export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';

  constructor(readonly remainingMs: number) {
    super(
      `The Lambda invocation is about to time out (${remainingMs} ms were left when the request started); raise the function's timeout`,
    );
  }
}

/** The time a request may use: its deadline, and a signal that fires when the time is up. */
export interface InvocationBudget {
  /** Remaining time minus the safety margin, at least 1 ms. */
  readonly deadlineMs: number;
  /** Aborts with an `InvocationTimeoutError` halfway through the safety margin. */
  readonly signal: AbortSignal;
  /** Clears the timer; call it when the response has been sent. */
  dispose(): void;
}

/**
 * Turns `context.getRemainingTimeInMillis()` into a deadline for the engine and an abort signal,
 * so a request ends with a timeout answer before Lambda kills the invocation mid-response.
 *
 * The deadline ends the wait for an answer (or a stream's first content) with the engine's
 * `DeadlineExceededError`, which the gateway answers with 408. The signal fires later, halfway
 * through the margin: it stops a stream that is still flowing, leaving time to end the response.
 */
export function invocationBudget(context: LambdaContext, safetyMarginMs: number): InvocationBudget {
  const remainingMs = context.getRemainingTimeInMillis();
  const deadlineMs = Math.max(1, Math.floor(remainingMs - safetyMarginMs));
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new InvocationTimeoutError(remainingMs)),
    Math.max(deadlineMs + 1, Math.floor(remainingMs - safetyMarginMs / 2)),
  );
  return { deadlineMs, signal: controller.signal, dispose: () => clearTimeout(timer) };
}
