import type { LambdaContext } from './lambda-types.js';

/** Default time kept back from the invocation's remaining time, for the response and the log line. */
export const DEFAULT_SAFETY_MARGIN_MS = 1000;

/** Options of the handlers that bound each request's time. */
export interface BudgetOptions {
  /** Time kept back from the invocation's remaining time (default 1000 ms). */
  readonly safetyMarginMs?: number;
  /**
   * The longest deadline a request gets, however long the invocation may still run. Default: the
   * `BEDROCK_HA_MAX_DEADLINE_MS` variable, else none. Behind an API Gateway HTTP API, whose
   * integrations end after 30 s, the CDK construct sets it so the client gets a timeout answer.
   */
  readonly maxDeadlineMs?: number;
  /** Variables to read `BEDROCK_HA_MAX_DEADLINE_MS` from. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The checked budget settings of one handler. */
export interface BudgetSettings {
  readonly safetyMarginMs: number;
  readonly maxDeadlineMs: number | undefined;
}

/**
 * The invocation ran out of time: Lambda (or the front door's own limit) would cut the response
 * within the safety margin. Its name ends in `TimeoutError`, which the gateway answers as a
 * timeout (OpenAI 408 `deadline_exceeded`, Bedrock `ModelTimeoutException`), not as a client that
 * went away.
 */
export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';

  constructor(
    /** The time the request had when it started, in ms. */
    readonly remainingMs: number,
    /** The cap that bounded it, when it was `maxDeadlineMs` rather than the invocation's time. */
    readonly maxDeadlineMs?: number,
  ) {
    super(
      maxDeadlineMs === undefined
        ? `The Lambda invocation is about to time out (${remainingMs} ms were left when the request started); raise the function's timeout, or ask for a shorter answer (maxTokens)`
        : `The request reached its deadline of ${maxDeadlineMs} ms (BEDROCK_HA_MAX_DEADLINE_MS; an API Gateway HTTP API waits 30 s at most); raise it if the front door allows, serve long answers through a Function URL, or ask for a shorter answer (maxTokens)`,
    );
  }
}

/** The time a request may use: its deadline, and a signal that fires when the time is up. */
export interface InvocationBudget {
  /** Remaining time minus the safety margin (at most `maxDeadlineMs`), at least 1 ms. */
  readonly deadlineMs: number;
  /** Aborts with an `InvocationTimeoutError` halfway through the safety margin. */
  readonly signal: AbortSignal;
  /** Clears the timer; call it when the response has been sent. */
  dispose(): void;
}

/**
 * Checks a handler's budget options once, at creation.
 * @throws RangeError for a negative margin or a cap that is not a positive number of ms.
 */
export function budgetSettings(options: BudgetOptions): BudgetSettings {
  const safetyMarginMs = options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  if (!Number.isFinite(safetyMarginMs) || safetyMarginMs < 0)
    throw new RangeError(`safetyMarginMs is ${safetyMarginMs}; give a number of ms, 0 or more`);
  const fromEnv = (options.env ?? process.env).BEDROCK_HA_MAX_DEADLINE_MS;
  const maxDeadlineMs = options.maxDeadlineMs ?? (fromEnv ? Number(fromEnv) : undefined);
  if (maxDeadlineMs !== undefined && !(Number.isFinite(maxDeadlineMs) && maxDeadlineMs > 0))
    throw new RangeError(
      `${options.maxDeadlineMs === undefined ? `BEDROCK_HA_MAX_DEADLINE_MS is "${fromEnv}"` : `maxDeadlineMs is ${maxDeadlineMs}`}; give a positive number of ms (e.g. 27000 behind an HTTP API), or leave it unset`,
    );
  return { safetyMarginMs, maxDeadlineMs };
}

/**
 * Turns `context.getRemainingTimeInMillis()` into a deadline for the engine and an abort signal,
 * so a request ends with a timeout answer before Lambda kills the invocation mid-response.
 *
 * The deadline ends the wait for an answer (or a stream's first content) with the engine's
 * `DeadlineExceededError`, which the gateway answers with 408. The signal fires later, halfway
 * through the margin: it stops a stream that is still flowing, leaving time to end the response.
 * With `maxDeadlineMs`, the request's time is capped as if the invocation had only that plus the
 * margin left.
 */
export function invocationBudget(context: LambdaContext, settings: BudgetSettings): InvocationBudget {
  const { safetyMarginMs, maxDeadlineMs } = settings;
  const invocationMs = context.getRemainingTimeInMillis();
  const capped = maxDeadlineMs !== undefined && maxDeadlineMs + safetyMarginMs < invocationMs;
  const remainingMs = capped ? maxDeadlineMs + safetyMarginMs : invocationMs;
  const deadlineMs = Math.max(1, Math.floor(remainingMs - safetyMarginMs));
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new InvocationTimeoutError(invocationMs, capped ? maxDeadlineMs : undefined)),
    Math.max(deadlineMs + 1, Math.floor(remainingMs - safetyMarginMs / 2)),
  );
  return { deadlineMs, signal: controller.signal, dispose: () => clearTimeout(timer) };
}
