import type { CapabilityGate } from '../capabilities/capability-gate.js';
import type { Demand } from '../capacity/token-estimate.js';
import { AllEndpointsFailedError } from '../errors/all-endpoints-failed-error.js';
import type { Attempt } from '../errors/attempt.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import type { Random } from '../policies/backoff.js';
import type { EndpointState } from '../policies/endpoint-policies.js';
import type { Classification } from '../policies/error-classification.js';
import type { EventHub } from '../telemetry/events.js';
import type { AttemptEnd, RequestScope, Usage } from '../telemetry/instrumentation.js';
import type { AttemptTimeout } from './attempt-policies.js';
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
  /** Makes one attempt on `endpoint`; `attempt.signal` aborts on cancellation, deadline or timeout. */
  call(endpoint: Endpoint, attempt: AttemptHandle): Promise<T>;
  /** The endpoint timeout that bounds the call: the whole call, or a stream up to its first content. */
  readonly timeout: AttemptTimeout;
  /** Usage and finish reasons of a successful attempt, for telemetry. */
  describe(value: T): {
    usage?: Usage | undefined;
    finishReasons?: readonly string[] | undefined;
    /** The answer's text, which telemetry records only when content capture is on. */
    outputText?: string | undefined;
  };
}

/** What a step's call gets of the attempt it makes. */
export interface AttemptHandle {
  /** Aborts on cancellation, the deadline or the endpoint's timeout. */
  readonly signal: AbortSignal;
  /**
   * Keeps the attempt open after the call returns (a stream's, at its first content): the
   * endpoint's breaker and bulkhead hold it, and it is reported, when the returned lease ends.
   * `onEnd` lets go of what the call started (the stream's SDK call).
   */
  hold(onEnd: () => void): HeldAttempt;
}

/** An attempt kept open after its call returned; whoever holds it ends it, once. */
export interface HeldAttempt {
  /**
   * Records how the attempt ended and lets the endpoint's policies go: the breaker counts
   * `brokenBy` as a failure (a stream broken after content), the bulkhead frees its slot. Only
   * the first call counts.
   */
  end(fields: AttemptFields, report?: AttemptReport, brokenBy?: unknown): void;
  /** Settles (never rejects) once the endpoint's breaker and bulkhead have let go of the attempt. */
  readonly released: Promise<void>;
}

/** How an attempt ended, as its entry in the request's attempts says it. */
export type AttemptFields = Omit<Attempt, 'endpoint' | 'attempt' | 'durationMs'>;

/** What telemetry learns of an attempt beyond its entry. */
export type AttemptReport = Omit<Partial<AttemptEnd>, 'attempt' | 'breakerState'> & {
  outputText?: string | undefined;
};

/** The request in flight: its clock, telemetry scope and the attempts made so far. */
export interface RunnerRequest {
  readonly clock: RequestClock;
  readonly scope: RequestScope;
  readonly attempts: Attempt[];
  /** The error of each failed attempt so far, in order (for {@link AllEndpointsFailedError.errors}). */
  readonly errors: unknown[];
  /** What the request reserves on endpoints that declare or learn their capacity (estimated once). */
  readonly demand?: Demand | undefined;
  /** Which endpoints can serve the request, when its chain knows their capabilities. */
  readonly gate?: CapabilityGate | undefined;
}

/** The attempt that answered: an endpoint's value, and the attempt still open, if the call held it. */
export interface EndpointAnswer<T> {
  readonly value: T;
  readonly endpoint: Endpoint;
  /** Index of `endpoint` in the order the run was given. */
  readonly index: number;
  /** The attempt, when the step's call kept it open (a stream's). */
  readonly held: HeldAttempt | undefined;
  /** What the step's `describe` said of the value (worked out once, for the attempt's telemetry). */
  readonly described: ReturnType<Step<T>['describe']>;
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
  if (!clock.aborted) return;
  if (clock.deadlinePassed)
    throw new DeadlineExceededError(context.chain, clock.deadlineMs ?? 0, [...request.attempts]);
  throw clock.reason;
}
