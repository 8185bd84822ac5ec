import {
  type BulkheadPolicy,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  noJitterGenerator,
  SamplingBreaker,
  type TimeoutPolicy,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import { type Endpoint, endpointRef } from '../chain/endpoint.js';
import type { BreakerState, EventHub } from '../telemetry/events.js';
import type { Classification } from './error-classification.js';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';

/** Thrown through the breaker when the caller or the deadline, not the endpoint, ended an attempt. */
export class RequestCancelled extends Error {
  override readonly name = 'RequestCancelled';

  constructor(readonly original: unknown) {
    super('The request was cancelled');
  }
}

/** What the engine shows of one endpoint's health. */
export interface EndpointHealth {
  readonly endpointId: string;
  readonly region: string;
  readonly kind: Endpoint['kind'];
  readonly modelId: string;
  /** The chains that route to this endpoint. */
  readonly chains: readonly string[];
  readonly breaker: BreakerState;
  /** Calls running now, and waiting for a slot (bulkhead). */
  readonly active: number;
  readonly queued: number;
  /** Retry tokens left, or `undefined` without a budget. */
  readonly retryBudget: number | undefined;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * The state one endpoint keeps across requests: its circuit breaker, bulkhead and retry budget,
 * built from cockatiel's policies.
 */
export class EndpointState {
  /**
   * The attempt timeout (`timeouts.attemptMs`), built once: Aggressive settles at the timeout even
   * if the SDK is slow to honour the abort; abortOnReturn off, as aborting a finished call's signal
   * costs a DOMException per request.
   */
  readonly attemptTimeout: TimeoutPolicy;
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly bulkhead: BulkheadPolicy | undefined;
  readonly budget: RetryBudget | undefined;

  constructor(
    readonly endpoint: Endpoint,
    classify: (error: unknown, endpoint: Endpoint) => Classification,
    budget: RetryBudgetOptions | false,
    events: EventHub,
  ) {
    const { breaker: settings, bulkhead: limits } = endpoint.policy;
    this.attemptTimeout = timeout(endpoint.policy.timeouts.attemptMs, {
      strategy: TimeoutStrategy.Aggressive,
      abortOnReturn: false,
    });
    if (settings.mode !== 'off') {
      const breaker = circuitBreaker(
        handleWhen((error) => {
          // A cancelled probe re-opens the breaker rather than closing it without evidence.
          if (error instanceof RequestCancelled) return breaker.state === CircuitState.HalfOpen;
          const verdict = classify(error, endpoint);
          // Nothing was sent: like a cancelled probe, no evidence to close a half-open breaker on.
          if (verdict.reason === 'local-error') return breaker.state === CircuitState.HalfOpen;
          // Request errors say nothing about the endpoint's health.
          return verdict.errorClass !== 'request';
        }),
        {
          halfOpenAfter: new ExponentialBackoff({
            initialDelay: settings.halfOpenAfterMs,
            maxDelay: settings.maxHalfOpenAfterMs,
            generator: noJitterGenerator,
          }),
          breaker:
            settings.mode === 'consecutive'
              ? new ConsecutiveBreaker(settings.failures)
              : new SamplingBreaker({
                  threshold: settings.failureRate,
                  duration: settings.windowMs,
                  minimumRps: settings.minimumRps,
                }),
        },
      );
      const ref = endpointRef(endpoint);
      breaker.onStateChange((state) =>
        events.breakerStateChange.emit({ endpoint: ref, state: STATES[state] }),
      );
      this.breaker = breaker;
    }
    if (limits) this.bulkhead = bulkhead(limits.maxConcurrent, limits.maxQueued);
    if (budget) this.budget = new RetryBudget(budget);
  }

  /** The breaker's state as results, events and telemetry name it. */
  get breakerState(): BreakerState {
    return this.breaker ? STATES[this.breaker.state] : 'closed';
  }

  /**
   * True when the breaker turns calls away now: open and still cooling down, or half-open with its
   * probe in flight. cockatiel makes callers wait for a half-open probe; a chain fails over instead.
   */
  get rejectsCalls(): boolean {
    const state = this.breaker?.state;
    return state === CircuitState.HalfOpen || state === CircuitState.Isolated;
  }

  /** A snapshot for `health()`. */
  health(chains: readonly string[]): EndpointHealth {
    const { bulkhead: limits } = this.endpoint.policy;
    return {
      endpointId: this.endpoint.id,
      region: this.endpoint.region,
      kind: this.endpoint.kind,
      modelId: this.endpoint.modelId,
      chains,
      breaker: this.breakerState,
      active: this.bulkhead && limits ? limits.maxConcurrent - this.bulkhead.executionSlots : 0,
      queued: this.bulkhead && limits ? limits.maxQueued - this.bulkhead.queueSlots : 0,
      retryBudget: this.budget?.available,
    };
  }
}
