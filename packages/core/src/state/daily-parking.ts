import type { Policy } from '../chain/endpoint.js';
import { ignoreRejection } from './shared-breaker.js';
import type { BreakerRecord, MaybePromise, StateStore } from './state-store.js';

/**
 * How long after our reset a renewed "per day" answer is taken for clock skew (Bedrock's day
 * ending a little later than ours) rather than a day's worth of spending: at most a minute, and a
 * tenth of a short test window.
 */
const MAX_SKEW_GRACE_MS = 60_000;

/** How long the one probe after a reset is held at most, so a crashed holder cannot block it. */
const PROBE_TTL_MS = 60_000;

/** Whether an attempt may go to a possibly parked endpoint: freely, as its one probe, or not at all. */
export type ParkingAdmission = 'open' | 'probe' | 'parked';

/**
 * The end of the daily quota window `now` falls in: the next `resetsAt` (UTC `HH:MM`) in windows
 * of `windowMs` aligned to the epoch (UTC midnight for a one-day window).
 */
export function nextDailyReset(now: number, { resetsAt, windowMs }: Policy['dailyQuota']): number {
  const [hours = 0, minutes = 0] = resetsAt.split(':').map(Number);
  const offset = ((hours * 60 + minutes) * 60_000) % windowMs;
  return Math.floor((now - offset) / windowMs) * windowMs + offset + windowMs;
}

/**
 * Parks an endpoint whose daily quota is spent ("Too many tokens per day") until its window
 * resets. Kept in the {@link StateStore} as a breaker record under `<endpoint id>:parked`, so a
 * shared store parks it for the whole fleet; once the reset has passed, exactly one caller (the
 * holder of the store's probe) tries it, and the rest keep failing over until that probe is served.
 */
export class DailyParking {
  private readonly key: string;
  /** The parked-until time this instance last read or wrote (epoch ms), for health(). */
  private knownUntil = 0;
  private holdingProbe = false;

  constructor(
    private readonly store: StateStore,
    endpointId: string,
    private readonly window: Policy['dailyQuota'],
    private readonly now: () => number = Date.now,
  ) {
    this.key = `${endpointId}:parked`;
  }

  /** Whether an attempt may go ahead. Synchronous with a synchronous store. */
  admit(): MaybePromise<ParkingAdmission> {
    const record = this.store.readBreaker(this.key);
    return record instanceof Promise ? record.then((value) => this.decide(value)) : this.decide(record);
  }

  /**
   * The daily quota answered: park until the window resets, and return that time. A probe
   * refused again just after our reset is clock skew: it parks for the grace only. Other attempts
   * (`probe` false) refused just after the reset spent the new day's quota: they park for the day.
   */
  park(probe = true): number {
    const now = this.now();
    const reset = nextDailyReset(now, this.window);
    const previous = reset - this.window.windowMs;
    const grace = Math.min(MAX_SKEW_GRACE_MS, this.window.windowMs / 10);
    const until = probe && now - previous < grace ? previous + grace : reset;
    this.knownUntil = until;
    ignoreRejection(this.store.writeBreaker(this.key, { state: 'open', openUntil: until, coolDownMs: 0 }));
    this.releaseProbe();
    return until;
  }

  /** How the probe ended, when the attempt was one: served unparks; anything else frees the probe. */
  settle(admission: ParkingAdmission, served: boolean): void {
    if (admission !== 'probe') return;
    if (served) {
      this.knownUntil = 0;
      ignoreRejection(this.store.writeBreaker(this.key, { state: 'closed', openUntil: 0, coolDownMs: 0 }));
    }
    this.releaseProbe();
  }

  /** Until when the endpoint is parked, as last seen here (epoch ms), or `undefined` once that has passed. */
  parkedUntil(): number | undefined {
    return this.knownUntil > this.now() ? this.knownUntil : undefined;
  }

  private decide(record: BreakerRecord | undefined): MaybePromise<ParkingAdmission> {
    if (!record || record.state === 'closed') {
      this.knownUntil = 0;
      return 'open';
    }
    this.knownUntil = record.openUntil;
    if (this.now() < record.openUntil) return 'parked';
    const acquired = this.store.acquireProbe(this.key, PROBE_TTL_MS);
    const taken = (won: boolean): ParkingAdmission => {
      this.holdingProbe ||= won;
      return won ? 'probe' : 'parked';
    };
    return acquired instanceof Promise ? acquired.then(taken) : taken(acquired);
  }

  private releaseProbe(): void {
    if (!this.holdingProbe) return;
    this.holdingProbe = false;
    ignoreRejection(this.store.releaseProbe(this.key));
  }
}
