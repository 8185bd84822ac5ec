import type { PolicyHold } from './attempt-policies.js';
import type { AttemptRecord } from './attempt-record.js';
import type { AttemptFields, AttemptHandle, AttemptReport, HeldAttempt } from './chain-request.js';

const LET_GO = Promise.resolve();

/**
 * What one attempt holds until it ends: its record (reported once) and the endpoint's breaker and
 * bulkhead, which keep the attempt while a step's call holds it open (a stream, until it ends).
 * Whoever ends it first wins: the runner on failure, or the holder of a kept attempt.
 */
export class AttemptLease implements HeldAttempt, PolicyHold {
  private ended = false;
  private kept = false;
  private onEnd: (() => void) | undefined;
  private brokenBy: unknown;
  private endHold: ((brokenBy: unknown) => void) | undefined;
  private policiesReleased: Promise<void> = LET_GO;
  private settle: ((fields: AttemptFields, report: AttemptReport | undefined) => void) | undefined;

  constructor(readonly record: AttemptRecord) {}

  /** True once the step's call kept the attempt open past its return. */
  get held(): boolean {
    return this.kept;
  }

  /** What the step's call gets of this attempt, under `signal`. */
  handle(signal: AbortSignal): AttemptHandle {
    return { signal, hold: (onEnd) => this.hold(onEnd) };
  }

  /**
   * Settles when a held attempt ends, rejecting with the error that broke it: the breaker and
   * bulkhead wait on it. Resolves at once for an attempt nobody holds.
   */
  whenEnded(): Promise<void> {
    if (!this.kept) return LET_GO;
    if (this.ended) return this.brokenBy === undefined ? LET_GO : Promise.reject(this.brokenBy);
    return new Promise((resolve, reject) => {
      this.endHold = (error) => (error === undefined ? resolve() : reject(error));
    });
  }

  /** Runs once, as the attempt ends, with how it ended (admission settles its capacity hold). */
  settles(settle: (fields: AttemptFields, report: AttemptReport | undefined) => void): void {
    this.settle = settle;
  }

  /** The promise that settles once the endpoint's breaker and bulkhead let go (see attempt-policies). */
  releasedWhen(promise: Promise<void>): void {
    this.policiesReleased = promise;
  }

  get released(): Promise<void> {
    return this.policiesReleased;
  }

  end(fields: AttemptFields, report?: AttemptReport, brokenBy?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.brokenBy = brokenBy;
    this.settle?.(fields, report);
    this.record.end(fields, report);
    this.onEnd?.();
    this.endHold?.(brokenBy);
  }

  private hold(onEnd: () => void): HeldAttempt {
    this.kept = true;
    this.onEnd = onEnd;
    // The runner gave up on the attempt (the request was cancelled) before its call returned.
    if (this.ended) onEnd();
    return this;
  }
}
