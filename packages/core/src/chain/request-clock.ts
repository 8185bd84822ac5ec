const DEADLINE = Symbol('deadline');
const OUTRUN = Symbol('outrun');

/**
 * Something that aborts once and calls back whoever registered, as an `AbortSignal` does, but
 * without an `EventTarget` listener per registration (Node's cost several allocations each).
 */
export interface AbortSource {
  readonly aborted: boolean;
  /** Why it aborted; `undefined` until then. */
  readonly reason: unknown;
  /** Calls `listener` once, when it aborts (never if already aborted); returns the unsubscribe. */
  onAbort(listener: () => void): () => void;
}

/** An {@link AbortSource} over a plain signal (a caller's, or a test's). */
export function signalSource(signal: AbortSignal): AbortSource {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason;
    },
    onAbort(listener) {
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}

const NOTHING = () => undefined;

/**
 * The cancellation of one request: the caller's signal and the chain's deadline, folded into one
 * source that every attempt, backoff and bulkhead wait honours. Its `AbortSignal` is built only
 * when something asks for it (a backoff sleep, a bulkhead queue, a call the deadline bounds): on
 * the healthy path, attempts register with the clock itself ({@link AbortSource}), so a request
 * costs no AbortController and no listener of its own.
 */
export class RequestClock implements AbortSource {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private isAborted = false;
  private listeners: (() => void)[] | undefined;
  private readonly deadlineAt: number;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unfollow: () => void;

  constructor(
    /** The caller's own signal, which also bounds a stream after its first content. */
    readonly caller: AbortSignal | undefined,
    readonly deadlineMs: number | undefined,
    /** Set for a lane: the clock it belongs to, whose deadline and timer it shares. */
    parent?: RequestClock,
  ) {
    if (parent) {
      this.deadlineAt = parent.deadlineAt;
      this.unfollow = this.follow(parent);
      return;
    }
    this.deadlineAt = deadlineMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + deadlineMs;
    this.unfollow = caller ? this.follow(signalSource(caller)) : NOTHING;
    if (deadlineMs !== undefined && !this.isAborted)
      this.timer = setTimeout(() => this.abort(DEADLINE), deadlineMs);
  }

  /**
   * A clock for one lane of a hedged request: the same deadline, aborted with this clock (for the
   * same reason), and stopped on its own with `outrun()` when another lane has answered.
   */
  lane(): RequestClock {
    return new RequestClock(this.caller, this.deadlineMs, this);
  }

  /** Stops this lane: another lane answered first. */
  outrun(): void {
    this.abort(OUTRUN);
  }

  /** True once `outrun()` stopped this lane. */
  get wasOutrun(): boolean {
    return this.abortReason === OUTRUN;
  }

  /** True once the caller aborted or the deadline passed (or the lane was outrun). */
  get aborted(): boolean {
    return this.isAborted;
  }

  /** Why the clock aborted: the caller's reason, or an internal marker for the deadline and outrun. */
  get reason(): unknown {
    return this.abortReason;
  }

  /** Aborts when the caller aborts or the deadline passes; built on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** True once the deadline (not the caller) ended the request. */
  get deadlinePassed(): boolean {
    return this.abortReason === DEADLINE;
  }

  onAbort(listener: () => void): () => void {
    if (this.isAborted) return NOTHING;
    // An array, not a Set: an attempt registers one or two at a time, and a Set costs more to build.
    this.listeners ??= [];
    this.listeners.push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.listeners!.splice(index, 1);
    };
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  remainingMs(): number {
    return Math.max(0, this.deadlineAt - performance.now());
  }

  /** Stops the deadline timer and lets go of the caller's signal (or the parent clock). */
  dispose(): void {
    clearTimeout(this.timer);
    this.unfollow();
  }

  private follow(source: AbortSource): () => void {
    if (source.aborted) {
      this.abort(source.reason);
      return NOTHING;
    }
    return source.onAbort(() => this.abort(source.reason));
  }

  private abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}
