import {
  type IBackoff,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { raceAbort, sleep } from './abort.js';
import { fullJitterBackoff, type Random } from './backoff.js';
import { type Endpoint, endpointRef } from './endpoint.js';
import { type EndpointState, RequestCancelled } from './endpoint-state.js';
import type { Classification, FailureReason } from './error-classification.js';
import {
  AllEndpointsFailedError,
  type Attempt,
  AttemptTimeoutError,
  DeadlineExceededError,
} from './errors.js';
import type { EventHub } from './events.js';
import type { AttemptScope, RequestScope, Usage } from './instrumentation.js';
import type { RequestClock } from './request-clock.js';

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
  /** Leaves the successful attempt open; its owner ends it (a stream, when it ends). */
  readonly keepAttemptOpen?: boolean;
}

/** The request in flight: its clock, telemetry scope and the attempts made so far. */
export interface RunnerRequest {
  readonly clock: RequestClock;
  readonly scope: RequestScope;
  readonly attempts: Attempt[];
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
}

/**
 * Runs a request down an ordered list of endpoints: on each, attempts through its bulkhead,
 * breaker and timeout; retries transient errors with jittered backoff while the retry budget and
 * deadline allow; fails over on endpoint errors and exhausted retries; surfaces request errors at
 * once. Throws {@link AllEndpointsFailedError}, {@link DeadlineExceededError}, the caller's abort
 * reason, or the request error itself.
 */
export async function runChain<T>(
  context: RunnerContext,
  request: RunnerRequest,
  order: readonly Endpoint[],
  step: Step<T>,
): Promise<Served<T>> {
  let lastError: unknown;
  for (const [index, endpoint] of order.entries()) {
    const state = context.state(endpoint);
    const ref = endpointRef(endpoint);
    const { retry } = endpoint.policy;
    let delays: IBackoff<unknown> | undefined;
    let leaving: FailureReason = 'unknown';

    for (let attempt = 1; ; attempt++) {
      throwIfCancelled(context, request);
      const scope = request.scope.attempt(endpoint, attempt);
      const startedAt = performance.now();
      const record = (fields: Omit<Attempt, 'endpoint' | 'attempt' | 'durationMs'>, error?: unknown) => {
        const entry: Attempt = {
          endpoint: ref,
          attempt,
          durationMs: performance.now() - startedAt,
          ...fields,
        };
        request.attempts.push(entry);
        context.events.attempt.emit({ chain: context.chain, ...entry });
        scope.end({ attempt: entry, error, breakerState: state.breakerState });
      };
      if (state.rejectsCalls) {
        record({ outcome: 'skipped', reason: 'circuit-open' });
        leaving = 'circuit-open';
        break;
      }
      try {
        const value = await raceAbort(
          scope.run(() => attemptThroughPolicies(state, step, endpoint, request.clock)),
          request.clock.signal,
        );
        state.budget?.refill();
        const entry: Attempt = {
          endpoint: ref,
          attempt,
          durationMs: performance.now() - startedAt,
          outcome: 'success',
        };
        request.attempts.push(entry);
        // A stream's attempt is still running: its owner reports it when the stream ends.
        if (!step.keepAttemptOpen) {
          context.events.attempt.emit({ chain: context.chain, ...entry });
          scope.end({ attempt: entry, ...step.describe(value), breakerState: state.breakerState });
        }
        return {
          value,
          endpoint,
          index,
          attemptIndex: request.attempts.length - 1,
          attemptScope: scope,
          startedAt,
        };
      } catch (raw) {
        if (request.clock.signal.aborted) {
          const error = raw instanceof RequestCancelled ? raw.original : raw;
          // The deadline's abort reason is an internal marker, not an error to show.
          if (request.clock.deadlinePassed)
            record({ outcome: 'failure', errorName: 'DeadlineExceededError', reason: 'deadline' });
          else record({ outcome: 'failure', ...describeError(error), reason: 'cancelled' }, error);
          throwIfCancelled(context, request);
        }
        if (isBrokenCircuitError(raw)) {
          record({ outcome: 'skipped', reason: 'circuit-open' });
          leaving = 'circuit-open';
          break;
        }
        if (isBulkheadRejectedError(raw)) {
          record({ outcome: 'skipped', reason: 'bulkhead-full' });
          leaving = 'bulkhead-full';
          break;
        }
        const error = raw;
        const verdict = context.classify(error, endpoint);
        record(
          {
            outcome: 'failure',
            errorClass: verdict.errorClass,
            reason: verdict.reason,
            ...describeError(error),
          },
          error,
        );
        lastError = error;
        leaving = verdict.reason;
        if (verdict.errorClass === 'request') throw error;
        if (verdict.errorClass === 'endpoint') break;
        if (
          verdict.reason === 'throttled' &&
          endpoint.kind === 'provisioned' &&
          retry.provisionedThrottling === 'failover'
        )
          break;
        if (attempt >= retry.maxAttempts) break;
        delays = delays ? delays.next(undefined) : fullJitterBackoff(retry, context.random).next(undefined);
        // A backoff that outlasts the deadline is time better spent on the next endpoint.
        if (delays.duration >= request.clock.remainingMs()) break;
        if (
          state.budget &&
          !state.budget.tryAcquire(verdict.reason === 'throttled' ? 'throttling' : 'other')
        ) {
          context.events.budgetExhausted.emit({
            chain: context.chain,
            endpoint: ref,
            reason: verdict.reason,
          });
          break;
        }
        context.events.retry.emit({
          chain: context.chain,
          endpoint: ref,
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
    const next = order[index + 1];
    context.events.failover.emit({
      chain: context.chain,
      from: ref,
      to: next && endpointRef(next),
      reason: leaving,
      resumed: false,
    });
  }
  throw new AllEndpointsFailedError(context.chain, [...request.attempts], lastError);
}

/** One attempt through the endpoint's bulkhead, then its breaker, then the attempt timeout. */
function attemptThroughPolicies<T>(
  state: EndpointState,
  step: Step<T>,
  endpoint: Endpoint,
  clock: RequestClock,
): Promise<T> {
  const configured = step.timeoutMs(endpoint);
  // When the deadline comes first, its own timer ends the attempt (min(attemptMs, remaining)). A
  // second timer due at the same moment would often fire first and turn the caller's
  // DeadlineExceededError into an attempt timeout, a failover and a breaker failure.
  const timeoutMs = configured === undefined || configured >= clock.remainingMs() ? undefined : configured;
  const call = async (): Promise<T> => {
    // Set by the timeout policy itself: cockatiel 3.2's isTaskCancelledError tests for the wrong
    // marker and never matches, and the SDK's own AbortError may win the race against its error.
    let timedOut = false;
    try {
      if (timeoutMs === undefined) return await step.call(endpoint, clock.signal);
      // Aggressive: settle at the timeout even if the SDK is slow to honour the abort.
      const policy = timeout(timeoutMs, TimeoutStrategy.Aggressive);
      policy.onTimeout(() => {
        timedOut = true;
      });
      return await policy.execute(({ signal }) => step.call(endpoint, signal), clock.signal);
    } catch (error) {
      if (clock.signal.aborted) throw new RequestCancelled(error);
      if (timedOut && timeoutMs !== undefined) throw new AttemptTimeoutError(timeoutMs);
      throw error;
    }
  };
  const { breaker, bulkhead } = state;
  if (!breaker && !bulkhead) return call();
  // The caller gets the value as soon as the call returns it; the breaker and bulkhead hold the
  // attempt until `holdUntil` settles, so a stream keeps its slot and the breaker learns whether
  // it broke after content.
  return new Promise<T>((resolve, reject) => {
    const held = async () => {
      const value = await call();
      resolve(value);
      await step.holdUntil?.(value);
    };
    const guarded = breaker ? () => breaker.execute(held) : held;
    (bulkhead ? bulkhead.execute(guarded, clock.signal) : guarded()).catch(reject);
  });
}

function throwIfCancelled(context: RunnerContext, request: RunnerRequest): void {
  const { clock } = request;
  if (!clock.signal.aborted) return;
  if (clock.deadlinePassed) {
    const attempts = [...request.attempts];
    context.events.deadlineExceeded.emit({
      chain: context.chain,
      deadlineMs: clock.deadlineMs ?? 0,
      attempts,
    });
    throw new DeadlineExceededError(context.chain, clock.deadlineMs ?? 0, attempts);
  }
  throw clock.signal.reason;
}

function describeError(error: unknown): { errorName?: string; errorMessage?: string } {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message };
  return { errorName: typeof error };
}
