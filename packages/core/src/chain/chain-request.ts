import type { CapacityHold } from '../capacity/endpoint-capacity.js';
import type { Demand } from '../capacity/token-estimate.js';
import { AllEndpointsFailedError } from '../errors/all-endpoints-failed-error.js';
import type { Attempt } from '../errors/attempt.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import type { Random } from '../policies/backoff.js';
import type { EndpointState } from '../policies/endpoint-policies.js';
import type { Classification } from '../policies/error-classification.js';
import type { EventHub } from '../telemetry/events.js';
import type { AttemptScope, RequestScope, Usage } from '../telemetry/instrumentation.js';
import type { Endpoint } from './endpoint.js';
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
  /** What the request reserves on endpoints that declare or learn their capacity (estimated once). */
  readonly demand?: Demand | undefined;
}

/** The attempt that answered: an endpoint's value, with what it takes to end its attempt later. */
export interface EndpointAnswer<T> {
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
  /** The attempt's hold on the endpoint's capacity, settled when a kept-open attempt ends. */
  readonly hold?: CapacityHold | undefined;
}

/** How a lane ended: an endpoint answered, or the queue ran dry (with the last error seen). */
export type LaneResult<T> = { readonly answer: EndpointAnswer<T> } | { readonly lastError: unknown };

/** The error for a request whose every endpoint failed or was skipped. */
export function allFailed(context: RunnerContext, request: RunnerRequest, lastError: unknown) {
  return new AllEndpointsFailedError(context.chain, [...request.attempts], lastError, [...request.errors]);
}

/** Throws what ended the request, if anything has: the deadline, or the caller's (or a lane's) abort. */
export function throwIfCancelled(context: RunnerContext, request: RunnerRequest): void {
  const { clock } = request;
  if (!clock.signal.aborted) return;
  if (clock.deadlinePassed)
    throw new DeadlineExceededError(context.chain, clock.deadlineMs ?? 0, [...request.attempts]);
  throw clock.signal.reason;
}
