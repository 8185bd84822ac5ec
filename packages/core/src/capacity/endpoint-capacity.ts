import type { MaybePromise, Reservation, StateStore } from '../state/state-store.js';
import type { Usage } from '../telemetry/instrumentation.js';
import type { Capacity } from './declared-capacity.js';
import { LearnedLimit } from './learned-limit.js';
import { RefillingWindow } from './refilling-window.js';
import type { Demand } from './token-estimate.js';

const DAY_MS = 86_400_000;

/** An attempt's hold on an endpoint's capacity, from admission until it is settled or released. */
export interface CapacityHold {
  /** Tokens reserved: the input estimate + maxTokens (or the model's maximum). */
  readonly tokens: number;
  /** Epoch ms of the admission. */
  readonly at: number;
  readonly reservations: readonly { window: RefillingWindow; reservation: Reservation }[];
}

/** What `health()` shows of an endpoint's capacity. */
export interface CapacityHealth {
  /** The figures the config declares (model units already turned into tokens per minute). */
  readonly declared: {
    readonly tokensPerMinute?: number;
    readonly requestsPerMinute?: number;
    readonly tokensPerDay?: number;
    readonly modelUnits?: number;
  };
  /** The tokens per minute learned from throttles; `undefined` while learning has not cut yet. */
  readonly learned: { readonly tokensPerMinute: number | undefined } | undefined;
  readonly windowMs: number;
  /** Reserved (or, once settled, used) over the last window, as this instance last saw it. */
  readonly used: { readonly tokens: number; readonly requests?: number; readonly tokensToday?: number };
  /** Attempts sent elsewhere because this endpoint was at capacity, and throttles it still sent back. */
  readonly spilled: number;
  readonly throttled: number;
}

/**
 * Token-aware admission for one endpoint: before an attempt, reserve its demand against the
 * endpoint's windows (tokens and requests per window, tokens per day) in the {@link StateStore};
 * when it does not fit, the chain moves on without sending. At the end, correct the reservation to
 * the tokens actually used, or release it.
 */
export class EndpointCapacity {
  private readonly tokens: RefillingWindow;
  private readonly requests: RefillingWindow | undefined;
  private readonly day: RefillingWindow | undefined;
  private readonly learned: LearnedLimit | undefined;
  private readonly scale: number;
  private spilled = 0;
  private throttles = 0;

  constructor(
    readonly capacity: Capacity,
    store: StateStore,
    key: string,
    private readonly now: () => number = Date.now,
  ) {
    const { windowMs } = capacity;
    this.scale = windowMs / 60_000;
    this.tokens = new RefillingWindow(store, `${key}:capacity:tokens`, windowMs, now);
    if (capacity.requestsPerMinute !== undefined)
      this.requests = new RefillingWindow(store, `${key}:capacity:requests`, windowMs, now);
    if (capacity.tokensPerDay !== undefined)
      this.day = new RefillingWindow(store, `${key}:capacity:day`, DAY_MS, now, false);
    if (capacity.learn) {
      const ceiling =
        capacity.tokensPerMinute === undefined ? undefined : capacity.tokensPerMinute * this.scale;
      this.learned = new LearnedLimit({ ceiling });
    }
  }

  /** Whether throttles are this endpoint's capacity signal (learning) rather than a health problem. */
  get learns(): boolean {
    return this.learned !== undefined;
  }

  /** What `demand` reserves here: its input + maxTokens, or the model's maximum output. */
  tokensFor(demand: Demand): number {
    return demand.inputTokens + (demand.maxTokens ?? this.capacity.defaultMaxTokens);
  }

  /** Reserves `demand` in every window, or answers `undefined` (nothing held) when one is full. */
  admit(demand: Demand): MaybePromise<CapacityHold | undefined> {
    const tokens = this.tokensFor(demand);
    const at = this.now();
    const learned = this.learned?.limit;
    const limit = this.tokenLimit();
    // A learned limit below one request must not lock the endpoint out: an empty window admits one.
    const steps: [RefillingWindow, number, number | undefined, boolean][] = [
      [this.tokens, tokens, limit, learned !== undefined && limit === learned],
    ];
    if (this.requests) steps.push([this.requests, 1, this.capacity.requestsPerMinute! * this.scale, false]);
    if (this.day) steps.push([this.day, tokens, this.capacity.tokensPerDay, false]);
    const held: CapacityHold['reservations'][number][] = [];
    const next = (index: number): MaybePromise<CapacityHold | undefined> => {
      const step = steps[index];
      if (!step) return { tokens, at, reservations: held };
      const [window, amount, windowLimit, atLeastOne] = step;
      const reserved = window.reserve(amount, windowLimit, atLeastOne);
      const then = (reservation: Reservation | undefined) => {
        if (!reservation) {
          this.spilled += 1;
          for (const each of held) ignore(each.window.settle(each.reservation, 0));
          return undefined;
        }
        held.push({ window, reservation });
        return next(index + 1);
      };
      return reserved instanceof Promise ? reserved.then(then) : then(reserved);
    };
    return next(0);
  }

  /**
   * Whether `demand` (without one: a request of a token) would fit now, as this instance last saw
   * the windows: a synchronous look, for routing, that reserves nothing.
   */
  hasRoom(demand?: Demand): boolean {
    const tokens = demand ? this.tokensFor(demand) : 1;
    const limit = this.tokenLimit();
    // An empty bucket admits one request larger than it (see admit).
    if (limit !== undefined && this.tokens.room(limit) < Math.min(tokens, limit)) return false;
    if (this.requests && this.requests.room(this.capacity.requestsPerMinute! * this.scale) < 1) return false;
    return !(this.day && this.day.room(this.capacity.tokensPerDay!) < tokens);
  }

  /** The tokens a window admits: the declared figure, or the learned one when lower. */
  private tokenLimit(): number | undefined {
    const declared =
      this.capacity.tokensPerMinute === undefined ? undefined : this.capacity.tokensPerMinute * this.scale;
    const learned = this.learned?.limit;
    return learned === undefined ? declared : Math.min(learned, declared ?? learned);
  }

  /**
   * The attempt was served: correct the tokens reserved to the usage reported (input + output);
   * without usage the reservation stands. Requests count as they were.
   */
  settle(hold: CapacityHold, usage: Usage | undefined): void {
    const used = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    if (used > 0)
      for (const { window, reservation } of hold.reservations)
        if (window !== this.requests) ignore(window.settle(reservation, used));
    this.learned?.succeeded(hold.tokens);
  }

  /** The attempt ended without an answer: give back all it held; a throttle teaches the learner. */
  release(hold: CapacityHold, throttled: boolean): void {
    for (const { window, reservation } of hold.reservations) ignore(window.settle(reservation, 0));
    if (throttled) {
      this.throttles += 1;
      this.learned?.throttled(this.tokens.used(), hold.at, this.now());
      // The endpoint's bucket is empty now, whatever ours said: refill from there.
      const limit = this.tokenLimit();
      if (limit !== undefined) this.tokens.exhaust(limit);
    }
  }

  /** Ends an attempt's hold as the attempt ended: corrected to its usage when served, else released. */
  end(
    hold: CapacityHold,
    ended: { readonly outcome: string; readonly reason?: string | undefined },
    usage?: Usage,
  ): void {
    if (ended.outcome === 'success') this.settle(hold, usage);
    else this.release(hold, ended.reason === 'throttled');
  }

  /** A snapshot for `health()`. */
  health(): CapacityHealth {
    const { tokensPerMinute, requestsPerMinute, tokensPerDay, modelUnits, windowMs } = this.capacity;
    const learned = this.learned?.limit;
    return {
      declared: {
        ...(tokensPerMinute !== undefined && { tokensPerMinute }),
        ...(requestsPerMinute !== undefined && { requestsPerMinute }),
        ...(tokensPerDay !== undefined && { tokensPerDay }),
        ...(modelUnits !== undefined && { modelUnits }),
      },
      learned: this.learned && {
        tokensPerMinute: learned === undefined ? undefined : Math.round(learned / this.scale),
      },
      windowMs,
      used: {
        tokens: Math.round(this.tokens.used()),
        ...(this.requests && { requests: Math.round(this.requests.used()) }),
        ...(this.day && { tokensToday: Math.round(this.day.used()) }),
      },
      spilled: this.spilled,
      throttled: this.throttles,
    };
  }
}

/** A networked store's settlement is not awaited; its failure only leaves a window to expire. */
function ignore(settled: MaybePromise<void>): void {
  if (settled instanceof Promise) settled.catch(() => undefined);
}
