import type { IBackoff, IBackoffFactory } from 'cockatiel';
import type { BreakerConfig } from '../config/policy-schema.js';
import type { BreakerState } from '../telemetry/events.js';
import { FAILURE_MEMORY_MS, type FleetBreaker, fleetBreaker } from './fleet-breaker.js';
import type { BreakerRecord, MaybePromise, RecordRead, StateStore } from './state-store.js';

/** Leave to make one attempt, and whether it is the endpoint's half-open probe. */
export interface Admission {
  readonly probe: boolean;
  /** For a probe: the cool-down to reopen with if it fails. */
  readonly coolDownMs?: number;
  /** For a probe: how many breaker transitions were published when it was admitted. */
  readonly published?: number;
  /** Whether the attempt is also the one probe of an endpoint parked by its daily quota. */
  readonly parkingProbe?: boolean;
}

/** An ordinary attempt (no allocation on the hot path). */
export const ADMITTED: Admission = { probe: false };

/** How long a probe is held at most: long enough for a slow attempt, short enough for a crashed holder. */
const PROBE_TTL_MS = 60_000;

/** How a probe ended: the endpoint answered, failed, or the attempt said nothing of its health. */
export type ProbeOutcome = 'success' | 'failure' | 'neutral';

/**
 * Keeps one endpoint's breaker in the {@link StateStore}: the local cockatiel breaker counts
 * failures and decides as before, and its transitions are published (open with its cool-down,
 * closed); before each attempt the record is read, so a breaker opened by another engine sharing
 * the store turns calls away here too, and once its cool-down is over only the caller that takes
 * the store's probe sends.
 */
export class SharedBreaker {
  /** The cool-down cockatiel chose last; read when it reports the breaker open. */
  private coolDownMs = 0;
  private published = 0;
  /** Whether this instance holds the store's probe, so that only the holder gives it back. */
  private holdingProbe = false;
  /** The record as this instance last read or wrote it, for health(). */
  private seen: BreakerRecord | undefined;
  /** Epoch ms until which the breaker this instance last published open cools down. */
  private publishedOpenUntil = 0;
  /** With `fleet`: the cool-down of the record this instance last read, while it was open (else 0). */
  private seenCoolDownMs = 0;
  /** Failures this instance added to the fleet's count since its last success. */
  private localFailures = 0;
  private readonly failuresKey: string;

  /**
   * `fleet`: count failures fleet-wide and grow the cool-down of failed probes; omitted, each
   * engine counts its own failures and a failed probe reopens with the same cool-down.
   */
  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    private readonly now: () => number = Date.now,
    private readonly fleet?: FleetBreaker,
  ) {
    this.failuresKey = `${key.slice(0, key.lastIndexOf(':') + 1)}failures`;
  }

  /**
   * An endpoint's shared breaker: consecutive failures are counted fleet-wide too (a failure rate
   * stays each engine's own), and failed probes grow the cool-down as the local backoff does.
   */
  static forEndpoint(
    store: StateStore,
    endpointId: string,
    settings: Exclude<BreakerConfig, { mode: 'off' }>,
  ): SharedBreaker {
    return new SharedBreaker(store, `${endpointId}:breaker`, Date.now, fleetBreaker(settings));
  }

  /** Wraps the breaker's half-open backoff so that each cool-down it hands out is known here. */
  recordCoolDowns(factory: IBackoffFactory<unknown>): IBackoffFactory<unknown> {
    const record = (backoff: IBackoff<unknown>): IBackoff<unknown> => {
      this.coolDownMs = backoff.duration;
      return { duration: backoff.duration, next: (context) => record(backoff.next(context)) };
    };
    return { next: (context) => record(factory.next(context)) };
  }

  /**
   * The local breaker opened: publish it with the cool-down it just chose, or, with `fleet`, the
   * fleet's grown one when it was open at this instance's last look (its probes failed meanwhile).
   */
  opened(): void {
    const coolDownMs =
      this.seenCoolDownMs > 0 ? Math.max(this.coolDownMs, this.grown(this.seenCoolDownMs)) : this.coolDownMs;
    this.publish({ state: 'open', openUntil: this.now() + coolDownMs, coolDownMs });
  }

  /** The local breaker closed after a successful probe. */
  closed(): void {
    this.publish({ state: 'closed', openUntil: 0, coolDownMs: 0 });
  }

  /**
   * Whether an attempt may go ahead: `undefined` when the breaker turns it away (here, or in
   * the store), else its admission. Synchronous with a synchronous store. `read`: the record's
   * read, when the caller started it already (see {@link read}).
   */
  admit(rejectedLocally: boolean, read?: RecordRead): MaybePromise<Admission | undefined> {
    if (rejectedLocally) {
      ignoreRejection(read);
      return undefined;
    }
    const record = read ?? this.read();
    return record instanceof Promise ? record.then((value) => this.decide(value)) : this.decide(record);
  }

  /**
   * Reads the breaker record, for {@link admit}: a caller that also reads other keys from a
   * networked store starts this read alongside them, so that they share one round trip.
   */
  read(): RecordRead {
    return this.store.readBreaker(this.key);
  }

  /** Reports how a probe ended (a no-op for ordinary attempts) and hands the probe back. */
  settle(admission: Admission, outcome: ProbeOutcome): void {
    if (!admission.probe) {
      if (outcome !== 'neutral') this.count(outcome === 'failure');
      return;
    }
    // A transition of the local breaker since the probe began was published already, and is newer.
    if (admission.published === this.published) {
      const coolDownMs = this.grown(admission.coolDownMs ?? 0);
      if (outcome === 'success') this.publish({ state: 'closed', openUntil: 0, coolDownMs: 0 });
      else if (outcome === 'failure')
        this.publish({ state: 'open', openUntil: this.now() + coolDownMs, coolDownMs });
    }
    this.releaseProbe();
  }

  /**
   * Until when the record, as this instance last read or wrote it, turns calls away (epoch ms; 0
   * when it does not): a breaker another instance opened shows here once a request read it.
   */
  openUntil(): number {
    return this.seen?.state === 'open' ? this.seen.openUntil : 0;
  }

  /**
   * The state `health()` shows: `local` (this instance's breaker), or `open` while that is closed
   * but the record as this instance last saw it is open (another instance opened it).
   */
  shown(local: BreakerState): BreakerState {
    return local === 'closed' && this.openUntil() > this.now() ? 'open' : local;
  }

  /**
   * Counts an ordinary attempt's outcome fleet-wide: a failure adds to the store's count, and the
   * failure that brings it to the threshold opens the breaker for every engine. A success resets the
   * count only when this instance added to it since its last success, so a healthy endpoint costs
   * the store nothing.
   */
  private count(failed: boolean): void {
    const threshold = this.fleet?.failures;
    if (threshold === undefined) return;
    if (!failed) {
      if (this.localFailures === 0) return;
      this.localFailures = 0;
      ignoreRejection(this.store.resetFailures(this.failuresKey));
      return;
    }
    this.localFailures++;
    const reached = (count: number) => {
      // Exactly one engine sees the count reach the threshold; none reopens a breaker already open.
      if (count !== threshold || this.now() < this.openUntil()) return;
      const coolDownMs = this.fleet?.coolDownMs ?? 0;
      this.publish({ state: 'open', openUntil: this.now() + coolDownMs, coolDownMs });
    };
    const count = this.store.countFailure(this.failuresKey, FAILURE_MEMORY_MS);
    if (count instanceof Promise) count.then(reached, () => {});
    else reached(count);
  }

  /** The cool-down after a failed probe that waited `coolDownMs`: doubled up to the longest, with `fleet`. */
  private grown(coolDownMs: number): number {
    if (!this.fleet) return coolDownMs;
    return Math.min(this.fleet.maxCoolDownMs, Math.max(this.fleet.coolDownMs, coolDownMs * 2));
  }

  private decide(record: BreakerRecord | undefined): MaybePromise<Admission | undefined> {
    this.seen = record;
    if (!record || record.state === 'closed') {
      this.seenCoolDownMs = 0;
      return ADMITTED;
    }
    if (this.fleet) this.seenCoolDownMs = record.coolDownMs;
    if (this.now() < record.openUntil) return undefined;
    const probe: Admission = { probe: true, coolDownMs: record.coolDownMs, published: this.published };
    const acquired = this.store.acquireProbe(this.key, PROBE_TTL_MS);
    const taken = (won: boolean) => {
      this.holdingProbe ||= won;
      return won ? probe : undefined;
    };
    return acquired instanceof Promise ? acquired.then(taken) : taken(acquired);
  }

  /** Whether the cool-down this instance last published is over (or none is): a call may probe. */
  coolDownOver(): boolean {
    return this.now() >= this.publishedOpenUntil;
  }

  private publish(record: BreakerRecord): void {
    this.published++;
    this.seen = record;
    this.publishedOpenUntil = record.state === 'open' ? record.openUntil : 0;
    if (record.state === 'closed') this.seenCoolDownMs = 0;
    ignoreRejection(this.store.writeBreaker(this.key, record));
    // A closed breaker starts counting afresh, fleet-wide.
    if (record.state === 'closed' && this.fleet?.failures !== undefined) {
      this.localFailures = 0;
      ignoreRejection(this.store.resetFailures(this.failuresKey));
    }
    this.releaseProbe();
  }

  private releaseProbe(): void {
    if (!this.holdingProbe) return;
    this.holdingProbe = false;
    ignoreRejection(this.store.releaseProbe(this.key));
  }
}

/**
 * A write nobody waits for must not become an unhandled rejection; the engine wraps injected
 * stores with `withLocalFallback`, which already reports store failures.
 */
export function ignoreRejection(result: MaybePromise<unknown>): void {
  if (result instanceof Promise) result.catch(() => {});
}
