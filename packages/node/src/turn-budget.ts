/**
 * The default of `maxRequestsPerTurn`. Measured with `BENCH_ONLY=limitsTail` (bench/README.md 6b):
 * at 256 clients it cut new connections' median wait from 0.2-1.7 s to 0.1-0.2 s without costing
 * throughput; a request's synchronous part is about 1 ms, so a turn starts at most ~16 ms of it.
 */
export const DEFAULT_MAX_REQUESTS_PER_TURN = 16;

/** One request waiting for its turn. */
export interface TurnTask {
  /** Starts serving the request. */
  readonly start: () => void;
  /** Whether its client went away while it waited: then it is dropped without being started. */
  readonly gone: () => boolean;
}

/**
 * Caps the requests started in one event-loop turn. A saturated server otherwise runs the
 * synchronous part of every ready request in one poll phase, and a turn lasts as long as all of
 * them together; a connection accepted in it is read only in the next one. Past the cap, requests
 * wait in arrival order and the next ones start in a `setImmediate` callback, so the poll phase
 * (accepts, reads of new connections, upstream answers) runs between batches. Arrival order is
 * kept: once one request waits, every later one waits behind it.
 */
export class TurnBudget {
  private started = 0;
  private scheduled = false;
  private queue: TurnTask[] = [];
  private head = 0;

  /**
   * @param max Requests started per turn; 0 turns the budget off (every request starts at once).
   * @throws RangeError when `max` is not a whole number from 0.
   */
  constructor(readonly max: number = DEFAULT_MAX_REQUESTS_PER_TURN) {
    if (!Number.isInteger(max) || max < 0)
      throw new RangeError(`maxRequestsPerTurn must be a whole number from 0 (0: no cap), got ${max}`);
  }

  /** Requests waiting for a later turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Starts `task` now when this turn has room and nothing waits, else queues it for a later turn. */
  run(task: TurnTask): void {
    if (this.max === 0) {
      task.start();
      return;
    }
    if (this.waiting === 0 && this.started < this.max) {
      this.started++;
      this.schedule();
      task.start();
      return;
    }
    this.queue.push(task);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.nextTurn);
  }

  /** A new turn: start up to `max` waiting requests, dropping those whose client went away. */
  private readonly nextTurn = (): void => {
    this.scheduled = false;
    this.started = 0;
    while (this.started < this.max && this.waiting > 0) {
      const task = this.queue[this.head] as TurnTask;
      this.head++;
      if (task.gone()) continue;
      this.started++;
      task.start();
    }
    if (this.waiting === 0) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1_024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    // Requests started in this turn count against it until the next one resets the count.
    if (this.started > 0 || this.waiting > 0) this.schedule();
  };
}
