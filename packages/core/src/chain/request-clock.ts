import { follow } from './abort.js';

const DEADLINE = Symbol('deadline');
const OUTRUN = Symbol('outrun');

/**
 * The cancellation of one request: the caller's signal and the chain's deadline, folded into one
 * signal that every attempt, backoff and bulkhead wait honours.
 */
export class RequestClock {
  private readonly controller = new AbortController();
  private readonly deadlineAt: number;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unfollowCaller: () => void;

  constructor(
    /** The caller's own signal, which also bounds a stream after its first content. */
    readonly caller: AbortSignal | undefined,
    readonly deadlineMs: number | undefined,
    /** Set for a lane: the deadline of the clock it belongs to, whose timer it relies on. */
    deadlineAt?: number,
  ) {
    this.deadlineAt =
      deadlineAt ?? (deadlineMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + deadlineMs);
    this.unfollowCaller = follow(caller, this.controller);
    if (deadlineAt === undefined && deadlineMs !== undefined && !this.controller.signal.aborted)
      this.timer = setTimeout(() => this.controller.abort(DEADLINE), deadlineMs);
  }

  /**
   * A clock for one lane of a hedged request: the same deadline, aborted with this clock (for the
   * same reason), and stopped on its own with `outrun()` when another lane has answered.
   */
  lane(): RequestClock {
    return new RequestClock(this.signal, this.deadlineMs, this.deadlineAt);
  }

  /** Stops this lane: another lane answered first. */
  outrun(): void {
    this.controller.abort(OUTRUN);
  }

  /** True once `outrun()` stopped this lane. */
  get wasOutrun(): boolean {
    return this.controller.signal.reason === OUTRUN;
  }

  /** Aborts when the caller aborts or the deadline passes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the deadline (not the caller) ended the request. */
  get deadlinePassed(): boolean {
    return this.controller.signal.reason === DEADLINE;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  remainingMs(): number {
    return Math.max(0, this.deadlineAt - performance.now());
  }

  /** Stops the deadline timer and lets go of the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.unfollowCaller();
  }
}
