import { isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import type { Attempt } from '../errors/attempt.js';
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { type EndpointState, RequestCancelled } from '../policies/endpoint-policies.js';
import { type Classification, errorCodeOf, type FailureReason } from '../policies/error-classification.js';
import { sendRetryingStaleConnection } from '../sdk/stale-connection.js';
import { awsRequestId } from '../telemetry/aws-request-id.js';
import type { AttemptEnd } from '../telemetry/instrumentation.js';
import { raceAbort } from './abort.js';
import {
  type EndpointAnswer,
  type RunnerContext,
  type RunnerRequest,
  type Step,
  throwIfCancelled,
} from './chain-request.js';
import { type Endpoint, endpointRef } from './endpoint.js';
import type { RequestClock } from './request-clock.js';

/** How one attempt ended, once recorded. */
export type AttemptResult<T> =
  | { readonly answer: Omit<EndpointAnswer<T>, 'index'> }
  | { readonly skipped: FailureReason }
  | { readonly error: unknown; readonly verdict: Classification };

/** Makes one attempt and records it: in the request's attempts, as an event and in telemetry. */
export async function attemptOnce<T>(
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

  // Synchronous with the in-memory store: only a networked store's answer is awaited.
  let admission = state.admit();
  if (admission instanceof Promise) admission = await admission;
  if (typeof admission === 'string') {
    record({ outcome: 'skipped', reason: admission });
    return { skipped: admission };
  }
  try {
    const { value, released } = await raceAbort(
      scope.run(() => attemptThroughPolicies(state, step, endpoint, request.clock)),
      request.clock.signal,
    );
    const described = step.describe(value);
    state.succeeded(admission, described.usage);
    record({ outcome: 'success' }, { ...described, requestId: awsRequestId(value) });
    return {
      answer: {
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
      state.ended(admission, 'neutral');
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
      state.ended(admission, 'neutral');
      record({ outcome: 'skipped', reason });
      return { skipped: reason };
    }
    const verdict = context.classify(raw, endpoint);
    state.ended(admission, verdict.errorClass === 'request' ? 'neutral' : 'failure', verdict.reason);
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
    // The signal the endpoint's timeout policy gave this attempt: aborted while the request's is
    // not, it means the timeout fired. (The SDK's own AbortError may win the race against
    // cockatiel's TaskCancelledError, so isTaskCancelledError cannot tell: cockatiel-gaps.test.ts.)
    let attemptSignal: AbortSignal | undefined;
    try {
      if (timeoutMs === undefined) return await send(clock.signal);
      return await state.attemptTimeout.execute(({ signal }) => {
        attemptSignal = signal;
        return send(signal);
      }, clock.signal);
    } catch (error) {
      if (clock.signal.aborted) throw new RequestCancelled(error);
      if (attemptSignal?.aborted && timeoutMs !== undefined) throw new AttemptTimeoutError(timeoutMs);
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
  answer: EndpointAnswer<T>,
  fields: Pick<Attempt, 'outcome'> & Partial<Pick<Attempt, 'errorClass' | 'reason'>>,
  end: Omit<Partial<AttemptEnd>, 'attempt' | 'breakerState'> = {},
): void {
  const entry: Attempt = {
    ...request.attempts[answer.attemptIndex]!,
    durationMs: performance.now() - answer.startedAt,
    ...fields,
    ...(end.error !== undefined && describeError(end.error)),
  };
  request.attempts[answer.attemptIndex] = entry;
  if (fields.outcome === 'failure' && end.error !== undefined) request.errors.push(end.error);
  context.events.attempt.emit({ chain: context.chain, ...entry });
  answer.attemptScope.end({
    attempt: entry,
    breakerState: context.state(answer.endpoint).breakerState,
    ...end,
  });
}

function describeError(error: unknown): { errorName?: string; errorMessage?: string; errorCode?: string } {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const errorCode = errorCodeOf(error);
  return {
    errorName: error.name,
    errorMessage: error.message,
    ...(errorCode !== undefined && { errorCode }),
  };
}
