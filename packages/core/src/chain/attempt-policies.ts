import { type BulkheadPolicy, type CircuitBreakerPolicy, CircuitState } from 'cockatiel';
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { FirstTokenTimeoutError } from '../errors/first-token-timeout-error.js';
import { sendRetryingStaleConnection } from '../sdk/stale-connection.js';
import { raceAbort } from './abort.js';
import { withTimeout } from './attempt-timeout.js';
import type { Endpoint } from './endpoint.js';
import type { RequestClock } from './request-clock.js';

/**
 * What the breaker sees of an attempt the caller or the deadline, not the endpoint, ended. Its
 * filter counts it only against a half-open breaker: a cancelled probe re-opens the breaker rather
 * than closing it without evidence. The attempt's own caller gets the original error.
 */
export class RequestCancelled extends Error {
  override readonly name = 'RequestCancelled';

  constructor() {
    super('The request was cancelled');
  }
}

/** Which endpoint timeout bounds an attempt's call: the whole call, or a stream up to its first content. */
export type AttemptTimeout = 'attemptMs' | 'firstTokenMs';

/**
 * An endpoint's policies that an attempt runs through, built once per endpoint (`EndpointState`);
 * the timeouts are the endpoint's `policy.timeouts`.
 */
export interface AttemptPolicies {
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly bulkhead: BulkheadPolicy | undefined;
}

/** How the policies keep an attempt a call held open (an `AttemptLease`). */
export interface PolicyHold {
  /** Settles when a held attempt ends, rejecting with the error that broke it; at once if not held. */
  whenEnded(): Promise<void>;
  /** Takes the promise that settles once the breaker and bulkhead have let go. */
  releasedWhen(promise: Promise<void>): void;
}

const TIMEOUT_ERRORS = { attemptMs: AttemptTimeoutError, firstTokenMs: FirstTokenTimeoutError };

/**
 * One attempt through the endpoint's bulkhead, then its breaker, then its timeout. The value comes
 * back as soon as the call returns it; when the call held the attempt open, the breaker and
 * bulkhead keep it until its lease ends (a stream keeps its slot, and the breaker learns whether
 * it broke after content), and the lease's `released` settles once both have let go.
 */
export function callThroughPolicies<T>(
  policies: AttemptPolicies,
  endpoint: Endpoint,
  timeout: AttemptTimeout,
  clock: RequestClock,
  hold: PolicyHold,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { breaker, bulkhead } = policies;
  const configured = endpoint.policy.timeouts[timeout];
  // When the deadline comes first, its own timer ends the attempt (min(timeout, remaining)). A
  // second timer due at the same moment would often fire first and turn the caller's
  // DeadlineExceededError into an attempt timeout, a failover and a breaker failure.
  const timeoutMs = configured >= clock.remainingMs() ? undefined : configured;
  const call = () => timedCall(timeoutMs, timeout, clock, attempt);
  const running = breaker || bulkhead ? throughPolicies(breaker, bulkhead, clock, hold, call) : call();
  // The timeout's own registration with the clock settles the attempt the moment the request is
  // cancelled. Without one, or when the attempt may wait before its call starts (in a bulkhead's
  // queue, or behind a half-open breaker's probe), a race does, even if the call or the queue
  // does not honour the signal.
  const mayWait = bulkhead !== undefined || (breaker !== undefined && breaker.state !== CircuitState.Closed);
  return timeoutMs === undefined || mayWait ? raceAbort(running, clock) : running;
}

/** The call through the breaker and bulkhead, which keep a held attempt until its lease ends. */
function throughPolicies<T>(
  breaker: CircuitBreakerPolicy | undefined,
  bulkhead: BulkheadPolicy | undefined,
  clock: RequestClock,
  hold: PolicyHold,
  call: () => Promise<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const held = () =>
      call().then(
        (value) => {
          resolve(value);
          return hold.whenEnded();
        },
        (error: unknown) => {
          // The caller gets the error itself; the breaker, whether the endpoint or the caller ended it.
          reject(error);
          throw clock.aborted ? new RequestCancelled() : error;
        },
      );
    hold.releasedWhen(
      (bulkhead
        ? bulkhead.execute(breaker ? () => breaker.execute(held) : held, clock.signal)
        : breaker!.execute(held)
      ).then(
        () => undefined,
        // A policy's own rejection (breaker open, bulkhead full); after the call's, a no-op.
        (error: unknown) => reject(error),
      ),
    );
  });
}

/**
 * The call under the attempt's timeout, if it has one. A request sent on a keep-alive connection
 * the server had just closed never reached it: it is sent again at once, inside this attempt, so
 * the breaker, the retry budget and the attempt records never see it (the timeout still covers
 * both tries).
 */
function timedCall<T>(
  timeoutMs: number | undefined,
  timeout: AttemptTimeout,
  clock: RequestClock,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (timeoutMs === undefined) return sendRetryingStaleConnection(() => attempt(clock.signal), clock.signal);
  // The timeout settles the attempt with its error the moment it fires (whichever error the call
  // then ends with, the SDK's own AbortError, say).
  return withTimeout(
    timeoutMs,
    clock,
    (signal) => sendRetryingStaleConnection(() => attempt(signal), signal),
    () => new TIMEOUT_ERRORS[timeout](timeoutMs),
  );
}
