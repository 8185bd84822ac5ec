import {
  type IBackoff,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { AllEndpointsFailedError } from '../errors/all-endpoints-failed-error.js';
import type { Attempt } from '../errors/attempt.js';
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import { fullJitterBackoff, type Random } from '../policies/backoff.js';
import { type EndpointState, RequestCancelled } from '../policies/endpoint-policies.js';
import type { Classification, FailureReason } from '../policies/error-classification.js';
import type { EventHub } from '../telemetry/events.js';
import type { AttemptEnd, AttemptScope, RequestScope, Usage } from '../telemetry/instrumentation.js';
import { raceAbort, sleep } from './abort.js';
import { type Endpoint, endpointRef } from './endpoint.js';
import { runHedged } from './hedging.js';
import type { RequestClock } from './request-clock.js';
import { sendRetryingStaleConnection } from './stale-connection.js';

/** What the runner needs from the engine. */
export interface RunnerContext {
  readonly chain: string;
  readonly events: EventHub;
  readonly state: (endpoint: Endpoint) => EndpointState;
  readonly classify: (error: unknown, endpoint: Endpoint) => Classification;
  readonly random: Random;
}

/** One operation, as the runner drives it: how to make an attempt and what to report of it. */
export interface Step<T> {
  /** Makes one attempt on `endpoint`; `signal` aborts on cancellation, deadline or attempt timeout. */
  call(endpoint: Endpoint, signal: AbortSignal): Promise<T>;
  /** The attempt timeout the runner enforces, or `undefined` when the step times itself (streams). */
  timeoutMs(endpoint: Endpoint): number | undefined;
  /** Usage and finish reasons of a successful attempt, for telemetry. */
  describe(value: T): {
    usage?: Usage | undefined;
    finishReasons?: readonly string[] | undefined;
    /** The answer's text, which telemetry records only when content capture is on. */
    outputText?: string | undefined;
  };
  /** Keeps the endpoint's bulkhead slot taken after success until this settles (a stream's end). */
  holdUntil?(value: T): Promise<void>;
  /** Lets go of a value nobody will read: the answer of a hedged request's losing lane. */
  discard?(value: T): void;
  /** Leaves the successful attempt open; its owner ends it (a stream, when it ends). */
  readonly keepAttemptOpen?: boolean;
}

/** The request in flight: its clock, telemetry scope and the attempts made so far. */
export interface RunnerRequest {
  readonly clock: RequestClock;
  readonly scope: RequestScope;
  readonly attempts: Attempt[];
  /** The error of each failed attempt so far, in order (for {@link AllEndpointsFailedError.errors}). */
  readonly errors: unknown[];
}

/** A successful run. */
export interface Served<T> {
  readonly value: T;
  readonly endpoint: Endpoint;
  /** Index of `endpoint` in the order the run was given. */
  readonly index: number;
  /** Index of its success in the request's attempts. */
  readonly attemptIndex: number;
  /** The attempt's telemetry scope, still open when the step keeps it open. */
  readonly attemptScope: AttemptScope;
  readonly startedAt: number;
  /** Settles (never rejects) once the endpoint's breaker and bulkhead have let go of the attempt. */
  readonly released: Promise<void>;
}

/** The endpoints of a request, handed out in order to whichever lane asks next. */
export class EndpointQueue {
  private taken = 0;

  constructor(private readonly order: readonly Endpoint[]) {}

  /** The next endpoint and its index in the order, or `undefined` when none is left. */
  take(): { endpoint: Endpoint; index: number } | undefined {
    const endpoint = this.order[this.taken];
    return endpoint && { endpoint, index: this.taken++ };
  }

  /** The endpoint `take()` would return. */
  peek(): Endpoint | undefined {
    return this.order[this.taken];
  }
}

/** How a lane ended: an endpoint served, or the queue ran dry (with the last error seen). */
export type LaneResult<T> = { readonly served: Served<T> } | { readonly lastError: unknown };

/**
 * Runs a request down an ordered list of endpoints: on each, attempts through its bulkhead,
 * breaker and timeout; retries transient errors with jittered backoff while the retry budget and
 * deadline allow; fails over on endpoint errors and exhausted retries; surfaces request errors at
 * once. With `hedgeAfterMs`, a second lane starts on the next endpoint when the first has not
 * answered by then. Throws {@link AllEndpointsFailedError}, {@link DeadlineExceededError}, the
 * caller's abort reason, or the request error itself.
 */
export async function runChain<T>(
  context: RunnerContext,
  request: RunnerRequest,
  order: readonly Endpoint[],
  step: Step<T>,
  hedgeAfterMs?: number,
): Promise<Served<T>> {
  const queue = new EndpointQueue(order);
  try {
    if (hedgeAfterMs !== undefined && order.length > 1)
      return await runHedged(context, request, queue, step, hedgeAfterMs);
    const result = await runLane(context, request, queue, step);
    if ('served' in result) return result.served;
    throw allFailed(context, request, result.lastError);
  } catch (error) {
    if (error instanceof DeadlineExceededError)
      context.events.deadlineExceeded.emit({
        chain: context.chain,
        deadlineMs: error.deadlineMs,
        attempts: error.attempts,
      });
    throw error;
  }
}

/** One lane of a request: endpoints from the queue, in turn, until one serves or none is left. */
export async function runLane<T>(
  context: RunnerContext,
  request: RunnerRequest,
  queue: EndpointQueue,
  step: Step<T>,
): Promise<LaneResult<T>> {
  let lastError: unknown;
  let next = queue.take();
  while (next) {
    const { endpoint, index } = next;
    const result = await tryEndpoint(context, request, endpoint, step);
    if ('served' in result) return { served: { ...result.served, index } };
    if ('error' in result) lastError = result.error;
    next = queue.take();
    context.events.failover.emit({
      chain: context.chain,
      from: endpointRef(endpoint),
      to: next && endpointRef(next.endpoint),
      reason: result.reason,
      resumed: false,
    });
  }
  return { lastError };
}

/** How one attempt ended, once recorded. */
type AttemptResult<T> =
  | { readonly served: Omit<Served<T>, 'index'> }
  | { readonly skipped: FailureReason }
  | { readonly error: unknown; readonly verdict: Classification };

/** Why the chain leaves an endpoint, and the error that made it, if any. */
type Leaving = { readonly reason: FailureReason; readonly error?: unknown };

/** Attempts one endpoint until it serves, or the policy says to move on. */
async function tryEndpoint<T>(
  context: RunnerContext,
  request: RunnerRequest,
  endpoint: Endpoint,
  step: Step<T>,
): Promise<{ served: Omit<Served<T>, 'index'> } | Leaving> {
  let delays: IBackoff<unknown> | undefined;
  for (let attempt = 1; ; attempt++) {
    throwIfCancelled(context, request);
    const result = await attemptOnce(context, request, endpoint, step, attempt);
    if ('served' in result) return result;
    if ('skipped' in result) return { reason: result.skipped };
    const { error, verdict } = result;
    if (verdict.errorClass === 'request') throw error;
    if (verdict.errorClass === 'endpoint') return { reason: verdict.reason, error };
    delays = delays
      ? delays.next(undefined)
      : fullJitterBackoff(endpoint.policy.retry, context.random).next(undefined);
    if (!mayRetry(context, request, endpoint, attempt, verdict, delays.duration))
      return { reason: verdict.reason, error };
    context.events.retry.emit({
      chain: context.chain,
      endpoint: endpointRef(endpoint),
      attempt,
      reason: verdict.reason,
      delayMs: delays.duration,
    });
    try {
      await sleep(delays.duration, request.clock.signal);
    } catch {
      throwIfCancelled(context, request);
    }
  }
}

/** Whether a transient failure is retried on the same endpoint after `delayMs`; takes its budget. */
function mayRetry(
  context: RunnerContext,
  request: RunnerRequest,
  endpoint: Endpoint,
  attempt: number,
  verdict: Classification,
  delayMs: number,
): boolean {
  const { retry } = endpoint.policy;
  const throttled = verdict.reason === 'throttled';
  // The AWS sample's rule: a saturated PT will not have capacity a moment later; spill at once.
  if (throttled && endpoint.kind === 'provisioned' && retry.provisionedThrottling === 'failover')
    return false;
  if (attempt >= retry.maxAttempts) return false;
  // A backoff that outlasts the deadline is time better spent on the next endpoint.
  if (delayMs >= request.clock.remainingMs()) return false;
  const { budget } = context.state(endpoint);
  if (budget && !budget.tryAcquire(throttled ? 'throttling' : 'other')) {
    context.events.budgetExhausted.emit({
      chain: context.chain,
      endpoint: endpointRef(endpoint),
      reason: verdict.reason,
    });
    return false;
  }
  return true;
}

/** Makes one attempt and records it: in the request's attempts, as an event and in telemetry. */
async function attemptOnce<T>(
  context: RunnerContext,
  request: RunnerRequest,
  endpoint: Endpoint,
  step: Step<T>,
  attempt: number,
): Promise<AttemptResult<T>> {
  const state = context.state(endpoint);
  const scope = request.scope.attempt(endpoint, attempt);
  const startedAt = performance.now();
  const record = (
    fields: Omit<Attempt, 'endpoint' | 'attempt' | 'durationMs'>,
    end?: Partial<AttemptEnd>,
  ) => {
    const entry: Attempt = {
      endpoint: endpointRef(endpoint),
      attempt,
      durationMs: performance.now() - startedAt,
      ...fields,
    };
    request.attempts.push(entry);
    // A stream's attempt is still running at its first content: its owner reports it when it ends.
    if (fields.outcome === 'success' && step.keepAttemptOpen) return;
    context.events.attempt.emit({ chain: context.chain, ...entry });
    scope.end({ attempt: entry, breakerState: state.breakerState, ...end });
  };

  if (state.rejectsCalls) {
    record({ outcome: 'skipped', reason: 'circuit-open' });
    return { skipped: 'circuit-open' };
  }
  try {
    const { value, released } = await raceAbort(
      scope.run(() => attemptThroughPolicies(state, step, endpoint, request.clock)),
      request.clock.signal,
    );
    state.budget?.refill();
    record({ outcome: 'success' }, step.describe(value));
    return {
      served: {
        value,
        endpoint,
        attemptIndex: request.attempts.length - 1,
        attemptScope: scope,
        startedAt,
        released,
      },
    };
  } catch (raw) {
    if (request.clock.signal.aborted) {
      const error = raw instanceof RequestCancelled ? raw.original : raw;
      // The deadline's abort reason is an internal marker, not an error to show.
      if (request.clock.deadlinePassed)
        record({ outcome: 'failure', errorName: 'DeadlineExceededError', reason: 'deadline' });
      else {
        const reason = request.clock.wasOutrun ? 'outrun' : 'cancelled';
        record({ outcome: 'failure', ...describeError(error), reason }, { error });
      }
      throwIfCancelled(context, request);
    }
    for (const [matches, reason] of SKIPS) {
      if (!matches(raw)) continue;
      record({ outcome: 'skipped', reason });
      return { skipped: reason };
    }
    const verdict = context.classify(raw, endpoint);
    request.errors.push(raw);
    record({ outcome: 'failure', ...verdict, ...describeError(raw) }, { error: raw });
    return { error: raw, verdict };
  }
}

/** Policy rejections: the endpoint was not called, so they are skips, not failures. */
const SKIPS: readonly [(error: unknown) => boolean, FailureReason][] = [
  [isBrokenCircuitError, 'circuit-open'],
  [isBulkheadRejectedError, 'bulkhead-full'],
];

/** One attempt through the endpoint's bulkhead, then its breaker, then the attempt timeout. */
function attemptThroughPolicies<T>(
  state: EndpointState,
  step: Step<T>,
  endpoint: Endpoint,
  clock: RequestClock,
): Promise<{ value: T; released: Promise<void> }> {
  const configured = step.timeoutMs(endpoint);
  // When the deadline comes first, its own timer ends the attempt (min(attemptMs, remaining)). A
  // second timer due at the same moment would often fire first and turn the caller's
  // DeadlineExceededError into an attempt timeout, a failover and a breaker failure.
  const timeoutMs = configured === undefined || configured >= clock.remainingMs() ? undefined : configured;
  // A request sent on a keep-alive connection the server had just closed never reached it: it is
  // sent again at once, inside this attempt, so the breaker, the retry budget and the attempt
  // records never see it (the attempt timeout still covers both tries).
  const send = (signal: AbortSignal) =>
    sendRetryingStaleConnection(() => step.call(endpoint, signal), signal);
  const call = async (): Promise<T> => {
    // Set by the timeout policy itself: cockatiel 3.2's isTaskCancelledError tests for the wrong
    // marker and never matches, and the SDK's own AbortError may win the race against its error.
    let timedOut = false;
    try {
      if (timeoutMs === undefined) return await send(clock.signal);
      // Aggressive: settle at the timeout even if the SDK is slow to honour the abort.
      // abortOnReturn off: aborting a finished call's signal costs a DOMException per request.
      const policy = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
      policy.onTimeout(() => {
        timedOut = true;
      });
      return await policy.execute(({ signal }) => send(signal), clock.signal);
    } catch (error) {
      if (clock.signal.aborted) throw new RequestCancelled(error);
      if (timedOut && timeoutMs !== undefined) throw new AttemptTimeoutError(timeoutMs);
      throw error;
    }
  };
  const { breaker, bulkhead } = state;
  if (!breaker && !bulkhead) return call().then((value) => ({ value, released: Promise.resolve() }));
  // The caller gets the value as soon as the call returns it; the breaker and bulkhead hold the
  // attempt until `holdUntil` settles, so a stream keeps its slot and the breaker learns whether
  // it broke after content. `released` settles once both have let go.
  return new Promise((resolve, reject) => {
    const held = async () => {
      const value = await call();
      resolve({ value, released });
      await step.holdUntil?.(value);
    };
    const guarded = breaker ? () => breaker.execute(held) : held;
    const released = (bulkhead ? bulkhead.execute(guarded, clock.signal) : guarded()).then(
      () => undefined,
      (error: unknown) => reject(error),
    );
  });
}

/**
 * Ends an attempt the runner left open (a stream's, at its first content): rewrites its record
 * with how it ended, and reports it once, as an event and to telemetry.
 */
export function endOpenAttempt<T>(
  context: RunnerContext,
  request: RunnerRequest,
  served: Served<T>,
  fields: Pick<Attempt, 'outcome'> & Partial<Pick<Attempt, 'errorClass' | 'reason'>>,
  end: Omit<Partial<AttemptEnd>, 'attempt' | 'breakerState'> = {},
): void {
  const entry: Attempt = {
    ...request.attempts[served.attemptIndex]!,
    durationMs: performance.now() - served.startedAt,
    ...fields,
    ...(end.error !== undefined && describeError(end.error)),
  };
  request.attempts[served.attemptIndex] = entry;
  if (fields.outcome === 'failure' && end.error !== undefined) request.errors.push(end.error);
  context.events.attempt.emit({ chain: context.chain, ...entry });
  served.attemptScope.end({
    attempt: entry,
    breakerState: context.state(served.endpoint).breakerState,
    ...end,
  });
}

/** The error for a request whose every endpoint failed or was skipped. */
export function allFailed(context: RunnerContext, request: RunnerRequest, lastError: unknown) {
  return new AllEndpointsFailedError(context.chain, [...request.attempts], lastError, [...request.errors]);
}

/** Throws what ended the request, if anything has: the deadline, or the caller's (or a lane's) abort. */
function throwIfCancelled(context: RunnerContext, request: RunnerRequest): void {
  const { clock } = request;
  if (!clock.signal.aborted) return;
  if (clock.deadlinePassed)
    throw new DeadlineExceededError(context.chain, clock.deadlineMs ?? 0, [...request.attempts]);
  throw clock.signal.reason;
}

function describeError(error: unknown): { errorName?: string; errorMessage?: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: typeof error };
}
