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
} from 'cockatiel';
import { type CapacityHealth, EndpointCapacity } from '../capacity/endpoint-capacity.js';
import { type AttemptPolicies, RequestCancelled } from '../chain/attempt-policies.js';
import { type Endpoint, type EndpointRef, endpointRef } from '../chain/endpoint.js';
import { DailyParking, type ParkingAdmission } from '../state/daily-parking.js';
import { ADMITTED, type Admission, type ProbeOutcome, SharedBreaker } from '../state/shared-breaker.js';
import type { MaybePromise, RecordRead, StateStore } from '../state/state-store.js';
import { type EndpointUsage, UsageCounters } from '../state/usage-counters.js';
import type { BreakerState, EventHub } from '../telemetry/events.js';
import type { Usage } from '../telemetry/instrumentation.js';
import type { Classification, FailureReason } from './error-classification.js';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';

/** One endpoint's health; `breaker` is `open` too while the shared record this engine last read is. */
export interface EndpointHealth {
  readonly endpointId: string;
  readonly region: string;
  readonly kind: Endpoint['kind'];
  readonly modelId: string;
  /** The service tier the endpoint asks for, when it sets one. */
  readonly serviceTier?: EndpointRef['serviceTier'];
  /** The chains that route to this endpoint. */
  readonly chains: readonly string[];
  readonly breaker: BreakerState;
  /** Calls running now, and waiting for a slot (bulkhead). */
  readonly active: number;
  readonly queued: number;
  /** Retry tokens left, or `undefined` without a budget. */
  readonly retryBudget: number | undefined;
  /** Requests served and tokens used in the current minute (fleet-wide with a shared store). */
  readonly usage: EndpointUsage;
  /** When its daily quota was spent: the time (ISO 8601) until which the endpoint is parked. */
  readonly parkedUntil?: string;
  /** Declared or learned capacity and its current use, when the endpoint manages its capacity. */
  readonly capacity?: CapacityHealth;
}

/** Why an endpoint turned an attempt away without calling it. */
export type Refusal = Extract<FailureReason, 'circuit-open' | 'parked'>;

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
export class EndpointState implements AttemptPolicies {
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly bulkhead: BulkheadPolicy | undefined;
  readonly budget: RetryBudget | undefined;
  readonly usage: UsageCounters;
  /** Token-aware admission, when the endpoint declares (or learns) its capacity. */
  readonly capacity: EndpointCapacity | undefined;
  /** The breaker as the state store shares it; affinity reads whether its cool-down is over. */
  readonly shared: SharedBreaker | undefined;
  private readonly parking: DailyParking;
  private readonly ref: EndpointRef;

  constructor(
    readonly endpoint: Endpoint,
    classify: (error: unknown, endpoint: Endpoint) => Classification,
    budget: RetryBudgetOptions | false,
    private readonly events: EventHub,
    store: StateStore,
    now: () => number = Date.now,
  ) {
    const { breaker: settings, bulkhead: limits } = endpoint.policy;
    this.ref = endpointRef(endpoint);
    this.parking = new DailyParking(store, endpoint.id, endpoint.policy.dailyQuota, now);
    this.usage = new UsageCounters(store, endpoint.id);
    this.capacity = endpoint.capacity && new EndpointCapacity(endpoint.capacity, store, endpoint.id);
    if (settings.mode !== 'off') {
      const shared = SharedBreaker.forEndpoint(store, endpoint.id, settings);
      this.shared = shared;
      const breaker = circuitBreaker(
        handleWhen((error) => {
          // A cancelled probe re-opens the breaker rather than closing it without evidence.
          if (error instanceof RequestCancelled) return breaker.state === CircuitState.HalfOpen;
          const verdict = classify(error, endpoint);
          // Nothing was sent, a spent daily quota (parked instead), a tier the caller chose, or a
          // throttle admission learns from: like a cancelled probe, no evidence to close a
          // half-open breaker on.
          if (!this.speaksOfHealth(verdict.reason)) return breaker.state === CircuitState.HalfOpen;
          // Request errors say nothing about the endpoint's health.
          return verdict.errorClass !== 'request';
        }),
        {
          halfOpenAfter: shared.recordCoolDowns(
            new ExponentialBackoff({
              initialDelay: settings.halfOpenAfterMs,
              maxDelay: settings.maxHalfOpenAfterMs,
              generator: noJitterGenerator,
            }),
          ),
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
      breaker.onBreak(() => shared.opened());
      breaker.onReset(() => shared.closed());
      breaker.onStateChange((state) =>
        events.breakerStateChange.emit({ endpoint: this.ref, state: STATES[state] }),
      );
      this.breaker = breaker;
    }
    if (limits) this.bulkhead = bulkhead(limits.maxConcurrent, limits.maxQueued);
    if (budget) this.budget = new RetryBudget(budget, store, `${endpoint.id}:budget`);
  }

  /** The breaker's state as results, events and telemetry name it. */
  get breakerState(): BreakerState {
    return this.breaker ? STATES[this.breaker.state] : 'closed';
  }

  /** True while the endpoint's daily quota is spent, as this instance last saw it. */
  get parked(): boolean {
    return this.parking.parkedUntil() !== undefined;
  }

  /**
   * True when the breaker turns calls away now: open and still cooling down, or half-open with its
   * probe in flight. cockatiel makes callers wait for a half-open probe; a chain fails over instead.
   */
  get rejectsCalls(): boolean {
    const state = this.breaker?.state;
    return state === CircuitState.HalfOpen || state === CircuitState.Isolated;
  }

  /**
   * Leave to attempt this endpoint now, or why not: `parked` while its daily quota is spent,
   * `circuit-open` when its breaker (here or in the state store) turns the attempt away. Synchronous
   * with the in-memory store; a networked one's parking and breaker records are read in one round trip.
   */
  admit(): MaybePromise<Admission | Refusal> {
    const parking = this.parking.admit();
    if (!(parking instanceof Promise)) return this.admitBreaker(parking);
    const record = this.rejectsCalls ? undefined : this.shared?.read();
    return parking.then((value) => this.admitBreaker(value, record));
  }

  /** An admitted attempt was served: refill the budget, count the usage, close a fleet probe, unpark. */
  succeeded(admission: Admission, usage: Usage | undefined): void {
    this.budget?.refill();
    this.usage.record(usage);
    this.shared?.settle(admission, 'success');
    if (admission.parkingProbe) this.parking.settle('probe', true);
  }

  /**
   * An admitted attempt ended without an answer: `failure` when it speaks of the endpoint's health.
   * A spent daily quota (`reason` `daily-quota`) parks the endpoint instead of counting.
   */
  ended(admission: Admission, outcome: Exclude<ProbeOutcome, 'success'>, reason?: FailureReason): void {
    const dailyQuota = reason === 'daily-quota';
    this.shared?.settle(admission, reason && !this.speaksOfHealth(reason) ? 'neutral' : outcome);
    if (dailyQuota) {
      const before = this.parking.parkedUntil();
      const until = this.parking.park(admission.parkingProbe === true);
      if (until !== before)
        this.events.endpointParked.emit({ endpoint: this.ref, until: new Date(until).toISOString(), reason });
    } else if (admission.parkingProbe) this.parking.settle('probe', false);
  }

  /**
   * Whether a failure for `reason` counts toward the breaker. A service tier the endpoint refuses
   * counts when the endpoint asked for it (its configuration is wrong, every call will fail), not
   * when the caller did: a caller's choice must not open the breaker for everyone else. Throttles
   * of an endpoint with token-aware admission (declared or learned) do not count: admission keeps
   * traffic within its capacity, the throttles left are its bucket's edge seen a few milliseconds
   * apart, and a breaker's cool-down would keep the endpoint idle while its window has room. A
   * request too long for the model's context window says nothing of the endpoint either.
   */
  private speaksOfHealth(reason: FailureReason): boolean {
    if (reason === 'unsupported-tier') return this.endpoint.serviceTier !== undefined;
    if (reason === 'throttled' && this.capacity) return false;
    return reason !== 'local-error' && reason !== 'daily-quota' && reason !== 'context-length';
  }

  private admitBreaker(parking: ParkingAdmission, record?: RecordRead): MaybePromise<Admission | Refusal> {
    if (parking === 'parked') return 'parked';
    const decided = (admission: Admission | undefined): Admission | Refusal => {
      if (admission === undefined) {
        this.parking.settle(parking, false);
        return 'circuit-open';
      }
      return parking === 'probe' ? { ...admission, parkingProbe: true } : admission;
    };
    if (!this.shared) return decided(this.rejectsCalls ? undefined : ADMITTED);
    const admission = this.shared.admit(this.rejectsCalls, record);
    return admission instanceof Promise ? admission.then(decided) : decided(admission);
  }

  /** A snapshot for `health()`. */
  health(chains: readonly string[]): EndpointHealth {
    const { bulkhead: limits } = this.endpoint.policy;
    const parkedUntil = this.parking.parkedUntil();
    return {
      endpointId: this.endpoint.id,
      region: this.endpoint.region,
      kind: this.endpoint.kind,
      modelId: this.endpoint.modelId,
      ...(this.endpoint.serviceTier && { serviceTier: this.endpoint.serviceTier }),
      chains,
      breaker: this.shared?.shown(this.breakerState) ?? this.breakerState,
      active: this.bulkhead && limits ? limits.maxConcurrent - this.bulkhead.executionSlots : 0,
      queued: this.bulkhead && limits ? limits.maxQueued - this.bulkhead.queueSlots : 0,
      retryBudget: this.budget?.available,
      usage: this.usage.snapshot(),
      ...(parkedUntil !== undefined && { parkedUntil: new Date(parkedUntil).toISOString() }),
      ...(this.capacity && { capacity: this.capacity.health() }),
    };
  }
}
