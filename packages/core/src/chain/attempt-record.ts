import type { Attempt } from '../errors/attempt.js';
import { errorCodeOf } from '../policies/error-classification.js';
import { type AttemptEnd, type AttemptScope, NO_ATTEMPT_SCOPE } from '../telemetry/instrumentation.js';
import type { AttemptFields, AttemptReport, RunnerContext, RunnerRequest } from './chain-request.js';
import { type Endpoint, endpointRef } from './endpoint.js';

/**
 * One attempt as the request records it: an entry in the request's attempts, an `attempt` event
 * and a telemetry span. The entry may be written early and rewritten (a stream's, at its first
 * content and again when it ends); the event and the span's end are reported once.
 */
export class AttemptRecord {
  /** The attempt's telemetry scope, open until the attempt is reported. */
  readonly scope: AttemptScope;
  private readonly startedAt = performance.now();
  private index = -1;
  private reported = false;

  constructor(
    private readonly context: RunnerContext,
    private readonly request: RunnerRequest,
    readonly endpoint: Endpoint,
    readonly attempt: number,
    /** Request features stripped for this endpoint, recorded on every write. */
    private readonly stripped: readonly string[] = [],
  ) {
    this.scope = request.scope.attempt(endpoint, attempt);
  }

  /** Writes the attempt into the request's attempts without reporting it: it is still running. */
  open(fields: AttemptFields): void {
    this.write(fields, undefined);
  }

  /**
   * Writes how the attempt ended and reports it, as an event and to telemetry; a failure's error
   * joins the request's errors. Only the first call counts.
   */
  end(fields: AttemptFields, report: AttemptReport = {}): void {
    if (this.reported) return;
    this.reported = true;
    const entry = this.write(fields, report.error);
    if (fields.outcome === 'failure' && report.error !== undefined) this.request.errors.push(report.error);
    const { events, chain } = this.context;
    if (events.attempt.listening) events.attempt.emit({ chain, ...entry });
    // Telemetry off: nothing would read the attempt's end.
    if (this.scope === NO_ATTEMPT_SCOPE) return;
    const end: AttemptEnd = {
      attempt: entry,
      breakerState: this.context.state(this.endpoint).breakerState,
      ...report,
    };
    this.scope.end(end);
  }

  private write(fields: AttemptFields, error: unknown): Attempt {
    const { attempts } = this.request;
    const entry: Attempt = {
      ...(this.index < 0
        ? { endpoint: endpointRef(this.endpoint), attempt: this.attempt }
        : attempts[this.index]!),
      durationMs: performance.now() - this.startedAt,
      ...(this.stripped.length > 0 && { stripped: this.stripped }),
      ...fields,
      ...(error !== undefined && describeError(error)),
    };
    if (this.index < 0) this.index = attempts.push(entry) - 1;
    else attempts[this.index] = entry;
    return entry;
  }
}

function describeError(error: unknown): { errorName?: string; errorMessage?: string; errorCode?: string } {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const errorCode = errorCodeOf(error);
  return {
    errorName: error.name,
    errorMessage: error.message,
    ...(errorCode !== undefined && { errorCode }),
  };
}
