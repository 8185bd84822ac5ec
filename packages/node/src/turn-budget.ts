/**
 * The default of `maxRequestsPerTurn`. Measured with `BENCH_ONLY=limitsTail` (bench/README.md 6b):
 * at 256 clients it cut new connections' median wait from 0.2-1.7 s to 0.1-0.2 s without costing
 * throughput; a request's synchronous part is about 1 ms, so a turn starts at most ~16 ms of it.
 */
export const DEFAULT_MAX_REQUESTS_PER_TURN = 16;

/**
 * The default of `maxQueueWaitMs`: how long a model call may wait for its turn before it is
 * refused with a retryable 503 rather than started late. Measured with `BENCH_ONLY=limitsTail`
 * (bench/README.md 6b).
 */
export const DEFAULT_MAX_QUEUE_WAIT_MS = 100;

/** Checks a `maxQueueWaitMs`; returns it. @throws RangeError unless a whole number of ms from 0. */
export function checkMaxQueueWaitMs(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 3_600_000)
    throw new RangeError(
      `maxQueueWaitMs must be a whole number of ms from 0 (0: no bound) to 3600000, got ${value}`,
    );
  return value;
}

/** One request waiting for its turn. */
export interface TurnTask {
  /** Starts serving the request. */
  readonly start: () => void;
  /** Whether its client went away while it waited: then it is dropped without being started. */
  readonly gone: () => boolean;
  /**
   * Answers it at once instead (a 503), when the queue is more than `maxWaitMs` behind; `behindMs`
   * is how far. Absent: the request is never refused (GET routes: health checks read the truth).
   */
  readonly refuse?: (behindMs: number) => void;
}

/**
 * Caps the requests started in one event-loop turn. A saturated server otherwise runs the
 * synchronous part of every ready request in one poll phase, and a turn lasts as long as all of
 * them together; a connection accepted in it is read only in the next one. Past the cap, requests
 * wait in arrival order and the next ones start in a `setImmediate` callback, so the poll phase
 * (accepts, reads of new connections, upstream answers) runs between batches. Arrival order is
 * kept: once one request waits, every later one waits behind it.
 *
 * With `maxWaitMs`, the queue sheds load: a request arriving while the head of the queue has
 * waited longer, and a queued one that waited longer by its turn, is refused (`refuse`) instead,
 * so no client waits more than about `maxWaitMs` and a turn for the server's CPU, whatever the
 * offered load; a refusal costs a fraction of a request and no upstream call.
 */
export class TurnBudget {
  private started = 0;
  private scheduled = false;
  private queue: TurnTask[] = [];
  /** When each queued task arrived (`now()`), index for index with `queue`. */
  private arrivals: number[] = [];
  private head = 0;

  /**
   * @param max Requests started per turn; 0 turns the budget off (every request starts at once).
   * @param maxWaitMs The queue's bound on a request's wait; 0: none.
   * @param now The clock (ms), injectable for tests.
   * @throws RangeError when `max` is not a whole number from 0, or `maxWaitMs` not one of ms.
   */
  constructor(
    readonly max: number = DEFAULT_MAX_REQUESTS_PER_TURN,
    readonly maxWaitMs: number = 0,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(max) || max < 0)
      throw new RangeError(`maxRequestsPerTurn must be a whole number from 0 (0: no cap), got ${max}`);
    checkMaxQueueWaitMs(maxWaitMs);
  }

  /** Requests waiting for a later turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** How long the request at the head of the queue has waited, in ms (0 when none waits). */
  oldestWaitMs(): number {
    return this.waiting === 0 ? 0 : this.now() - (this.arrivals[this.head] as number);
  }

  /**
   * Starts `task` now when this turn has room and nothing waits; refuses it when the queue is
   * more than `maxWaitMs` behind; else queues it for a later turn.
   */
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
    const behindMs = this.oldestWaitMs();
    if (task.refuse && this.maxWaitMs > 0 && behindMs > this.maxWaitMs) {
      task.refuse(behindMs);
      return;
    }
    this.queue.push(task);
    this.arrivals.push(this.now());
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.nextTurn);
  }

  /**
   * A new turn: start up to `max` waiting requests, dropping those whose client went away and
   * refusing those that waited past `maxWaitMs` (they do not count against the turn).
   */
  private readonly nextTurn = (): void => {
    this.scheduled = false;
    this.started = 0;
    const now = this.now();
    while (this.started < this.max && this.waiting > 0) {
      const task = this.queue[this.head] as TurnTask;
      const waitedMs = now - (this.arrivals[this.head] as number);
      this.head++;
      if (task.gone()) continue;
      if (task.refuse && this.maxWaitMs > 0 && waitedMs > this.maxWaitMs) {
        task.refuse(waitedMs);
        continue;
      }
      this.started++;
      task.start();
    }
    if (this.waiting === 0) {
      this.queue = [];
      this.arrivals = [];
      this.head = 0;
    } else if (this.head > 1_024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.arrivals = this.arrivals.slice(this.head);
      this.head = 0;
    }
    // Requests started in this turn count against it until the next one resets the count.
    if (this.started > 0 || this.waiting > 0) this.schedule();
  };
}
