import type { RequestLog } from '@bedrock-ha/http';
import type { Logger } from 'pino';

/** A logged line: the gateway's entry, or one the shutdown cut (outcome `cut-by-shutdown`). */
type AccessLogLine = Omit<RequestLog, 'outcome'> & {
  readonly outcome?: RequestLog['outcome'] | 'cut-by-shutdown';
};

/**
 * The server's access log: one line per finished request, from the gateway's entries (which never
 * hold prompts, completions or keys). After a shutdown cuts the requests still running, their
 * lines still come, a moment later, once their upstream calls are aborted: the shutdown waits for
 * them ({@link AccessLog.settled}) and they say they were cut, not that the client left.
 */
export class AccessLog {
  private cut: { expected: number; drainMs: number } | undefined;
  private waiter: (() => void) | undefined;
  /** Requests shed (503 `OverloadedError`) since the last `overloaded` warning, and when that was. */
  private shed = 0;
  private shedWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly logger: Logger) {}

  /** The gateway's `onRequestLog`. */
  readonly write = (entry: RequestLog): void => {
    const line: AccessLogLine = this.cut ? cutLine(entry, this.cut.drainMs) : entry;
    const route = line.route === 'unmatched' ? `${line.method} (unmatched)` : line.route;
    const cutNote = line === entry ? '' : ' (cut by the shutdown)';
    const message = `${route} ${line.status} ${Math.round(line.durationMs)} ms${cutNote}`;
    if (line.error?.name === 'OverloadedError') this.shedLine(line, message);
    else if (line.status >= 500 || line !== entry) this.logger.warn({ event: 'request', ...line }, message);
    else this.logger.info({ event: 'request', ...line }, message);
    if (this.cut && --this.cut.expected <= 0) this.waiter?.();
  };

  /**
   * A request shed under overload: its line at `info`, since a shedding server answers hundreds a
   * second and a warning each would cost more than the refusal; one `overloaded` warning says it
   * is happening, the first at once, then at most one every 10 s with the count.
   */
  private shedLine(line: AccessLogLine, message: string): void {
    this.logger.info({ event: 'request', ...line }, message);
    this.shed++;
    const now = performance.now();
    if (now - this.shedWarnedAt < 10_000) return;
    this.shedWarnedAt = now;
    this.logger.warn(
      { event: 'overloaded', shed: this.shed, reason: line.error?.message },
      `shed ${this.shed} request(s) with a retryable 503: the gateway is overloaded; add instances or CPU`,
    );
    this.shed = 0;
  }

  /** From now on, lines are of the `count` requests the shutdown cut after draining for `drainMs`. */
  markCut(count: number, drainMs: number): void {
    this.cut = { expected: count, drainMs };
  }

  /** Resolves true once every cut request has logged its line, or false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (!this.cut || this.cut.expected <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (all: boolean) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(all);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      this.waiter = () => finish(true);
    });
  }
}

/**
 * The gateway sees a cut request as a client that went away (`client-closed`): the line says the
 * shutdown cut it. A request that finished in the meantime keeps its own outcome.
 */
function cutLine(entry: RequestLog, drainMs: number): AccessLogLine {
  if (entry.outcome !== 'client-closed') return entry;
  return {
    ...entry,
    outcome: 'cut-by-shutdown',
    error: {
      name: 'ShutdownCut',
      message: `cut by the server's shutdown: still running after the drain time of ${drainMs} ms`,
    },
  };
}
