import { EventEmitter, type IDisposable } from 'cockatiel';
import type { EndpointRef } from '../chain/endpoint.js';
import type { Attempt } from '../errors/attempt.js';
import type { FailureReason } from '../policies/error-classification.js';

/** The state of an endpoint's circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** An attempt ended (or was skipped). */
export interface AttemptEvent extends Attempt {
  readonly chain: string;
}

/** An endpoint will be tried again after a backoff. */
export interface RetryEvent {
  readonly chain: string;
  readonly endpoint: EndpointRef;
  /** The attempt that failed (1 = the first). */
  readonly attempt: number;
  readonly reason: FailureReason;
  readonly delayMs: number;
}

/** The chain moved on from an endpoint. */
export interface FailoverEvent {
  readonly chain: string;
  readonly from: EndpointRef;
  /** The next endpoint, or `undefined` when none is left. */
  readonly to: EndpointRef | undefined;
  readonly reason: FailureReason;
  /** True when a stream that had already delivered content continues on `to` (resume mode). */
  readonly resumed: boolean;
}

/** A hedged request started a second lane, because the first had not answered in time. */
export interface HedgeEvent {
  readonly chain: string;
  /** Where the second lane starts. */
  readonly to: EndpointRef;
  readonly afterMs: number;
}

/** An endpoint's breaker changed state. */
export interface BreakerStateChangeEvent {
  readonly endpoint: EndpointRef;
  readonly state: BreakerState;
}

/** A retry was refused because the endpoint's retry budget is spent. */
export interface BudgetExhaustedEvent {
  readonly chain: string;
  readonly endpoint: EndpointRef;
  readonly reason: FailureReason;
}

/** An endpoint's daily quota is spent: it gets no attempts until `until`, then one probe. */
export interface EndpointParkedEvent {
  readonly endpoint: EndpointRef;
  /** When the daily window resets (ISO 8601). */
  readonly until: string;
  readonly reason: Extract<FailureReason, 'daily-quota'>;
}

/** A request's deadline passed. */
export interface DeadlineExceededEvent {
  readonly chain: string;
  readonly deadlineMs: number;
  readonly attempts: readonly Attempt[];
}

/**
 * A state-store call was answered from this instance's local state, because the shared store
 * (Redis) failed or was slower than `state.timeoutMs`. The request goes on.
 */
export interface StateStoreFallbackEvent {
  /** The store method, such as `reserve` or `readBreaker`. */
  readonly operation: string;
  readonly reason: 'error' | 'timeout';
  /** The store's error message for `'error'` (a Redis URL in it has its password redacted by the store). */
  readonly message?: string;
}

/** The breaker on the shared store opened (every call local for a cool-down) or closed (back on the store). */
export interface StateStoreStateChangeEvent {
  readonly state: 'open' | 'closed';
}

/** A listener; it returns a handle whose `dispose()` unsubscribes. */
export type Subscribe<T> = (listener: (event: T) => void) => IDisposable;

/** Typed subscriptions to every decision the engine makes. */
export interface BedrockHAEvents {
  readonly onAttempt: Subscribe<AttemptEvent>;
  readonly onRetry: Subscribe<RetryEvent>;
  readonly onFailover: Subscribe<FailoverEvent>;
  readonly onHedge: Subscribe<HedgeEvent>;
  readonly onBreakerStateChange: Subscribe<BreakerStateChangeEvent>;
  readonly onBudgetExhausted: Subscribe<BudgetExhaustedEvent>;
  readonly onDeadlineExceeded: Subscribe<DeadlineExceededEvent>;
  readonly onStateStoreFallback: Subscribe<StateStoreFallbackEvent>;
  readonly onStateStoreStateChange: Subscribe<StateStoreStateChangeEvent>;
  readonly onEndpointParked: Subscribe<EndpointParkedEvent>;
}

/** One event stream whose listeners cannot break the request that emits it. */
export class Channel<T> {
  private readonly emitter = new EventEmitter<T>();

  readonly subscribe: Subscribe<T> = (listener) =>
    this.emitter.addListener((event) => {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not change a request's outcome; report it out of band.
        queueMicrotask(() => {
          process.emitWarning(`bedrock-ha event listener threw: ${String(error)}`);
        });
      }
    });

  /** True while anyone listens: an event nobody hears is not built (the hot path checks). */
  get listening(): boolean {
    return this.emitter.size > 0;
  }

  emit(event: T): void {
    this.emitter.emit(event);
  }
}

/** The engine's event channels. */
export class EventHub {
  readonly attempt = new Channel<AttemptEvent>();
  readonly retry = new Channel<RetryEvent>();
  readonly failover = new Channel<FailoverEvent>();
  readonly hedge = new Channel<HedgeEvent>();
  readonly breakerStateChange = new Channel<BreakerStateChangeEvent>();
  readonly budgetExhausted = new Channel<BudgetExhaustedEvent>();
  readonly deadlineExceeded = new Channel<DeadlineExceededEvent>();
  readonly stateStoreFallback = new Channel<StateStoreFallbackEvent>();
  readonly stateStoreStateChange = new Channel<StateStoreStateChangeEvent>();
  readonly endpointParked = new Channel<EndpointParkedEvent>();

  /** The public, subscribe-only view. */
  readonly api: BedrockHAEvents = {
    onAttempt: this.attempt.subscribe,
    onRetry: this.retry.subscribe,
    onFailover: this.failover.subscribe,
    onHedge: this.hedge.subscribe,
    onBreakerStateChange: this.breakerStateChange.subscribe,
    onBudgetExhausted: this.budgetExhausted.subscribe,
    onDeadlineExceeded: this.deadlineExceeded.subscribe,
    onStateStoreFallback: this.stateStoreFallback.subscribe,
    onStateStoreStateChange: this.stateStoreStateChange.subscribe,
    onEndpointParked: this.endpointParked.subscribe,
  };
}
