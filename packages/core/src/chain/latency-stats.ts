import type { Attempt } from '../errors/attempt.js';

/** What adaptive routing knows of one endpoint. */
export interface EndpointEstimate {
  /** Moving average of latency (a stream's: time to first content), ms; `undefined` before any sample. */
  readonly latencyMs: number | undefined;
  /** Moving average of failures per attempt, 0 to 1. */
  readonly errorRate: number;
  /** When the last sample came in (the stats' clock), or `undefined` before any. */
  readonly sampledAt: number | undefined;
}

/** Options of {@link LatencyStats}. */
export interface LatencyStatsOptions {
  /**
   * Time constant of the moving averages, ms: a sample's weight is at least
   * `1 - exp(-gap / decayMs)`, where `gap` is the time since the endpoint's previous sample.
   */
  readonly decayMs?: number;
  /**
   * The same in samples of every endpoint: a sample's weight is at least
   * `1 - exp(-samples / decaySamples)`, where `samples` counts the samples (of any endpoint)
   * since the endpoint's previous one. A busy endpoint averages many samples; one that is only
   * explored now and then takes each new sample nearly whole, so a recovered region is noticed
   * within an exploration or two, at any request rate.
   */
  readonly decaySamples?: number;
  /** The clock, ms; injectable for tests. */
  readonly now?: () => number;
}

/** The default time constant of {@link LatencyStats}, ms. */
export const DEFAULT_DECAY_MS = 1_000;
/** The default time constant of {@link LatencyStats}, in samples. */
export const DEFAULT_DECAY_SAMPLES = 10;

// No error rate is taken as certain failure: a failing endpoint's score stays finite, so it is
// still ordered by latency among the others that fail.
const MAX_ERROR_RATE = 0.95;

// Outcomes that say nothing about the endpoint: the caller went away, another lane won, or the
// request was too long for the model.
const NEUTRAL_REASONS = new Set(['cancelled', 'outrun', 'deadline', 'context-length']);

// Failures whose duration is the endpoint's slowness.
const TIMEOUTS = new Set(['timeout', 'first-token-timeout']);

interface Entry {
  latencyMs: number | undefined;
  errorRate: number;
  sampledAt: number | undefined;
  /** The stats' sample count at this endpoint's last sample. */
  sample: number;
}

/**
 * Per-endpoint moving averages of latency and error rate, decaying with time (as Finagle's and
 * Linkerd's EWMA balancers do), keyed by endpoint id so that every chain sharing an endpoint
 * shares what is known of it.
 */
export class LatencyStats {
  private readonly entries = new Map<string, Entry>();
  private readonly decayMs: number;
  private readonly decaySamples: number;
  private readonly now: () => number;
  private samples = 0;

  constructor(options: LatencyStatsOptions = {}) {
    this.decayMs = options.decayMs ?? DEFAULT_DECAY_MS;
    this.decaySamples = options.decaySamples ?? DEFAULT_DECAY_SAMPLES;
    if (!(this.decayMs > 0)) throw new RangeError(`decayMs must be positive, got ${this.decayMs}`);
    if (!(this.decaySamples > 0))
      throw new RangeError(`decaySamples must be positive, got ${this.decaySamples}`);
    this.now = options.now ?? (() => performance.now());
  }

  /** A success that took `latencyMs` (a stream's: to its first content). */
  succeeded(endpointId: string, latencyMs: number): void {
    this.sample(endpointId, latencyMs, 0);
  }

  /** A failure; `latencyMs` when its duration says how slow the endpoint is (a timeout). */
  failed(endpointId: string, latencyMs?: number): void {
    this.sample(endpointId, latencyMs, 1);
  }

  /**
   * Learns from a request's attempts: successes by their duration (recorded at a stream's first
   * content), timeouts by theirs too, other endpoint failures as errors only. Skipped attempts,
   * request errors and cancellations say nothing about the endpoint and are left out.
   */
  observe(attempts: readonly Attempt[]): void {
    for (const attempt of attempts) {
      const id = attempt.endpoint.endpointId;
      if (attempt.outcome === 'success') this.succeeded(id, attempt.durationMs);
      else if (attempt.outcome === 'failure') {
        if (attempt.errorClass === 'request' || NEUTRAL_REASONS.has(attempt.reason ?? '')) continue;
        this.failed(id, TIMEOUTS.has(attempt.reason ?? '') ? attempt.durationMs : undefined);
      }
    }
  }

  /** What is known of an endpoint. */
  estimate(endpointId: string): EndpointEstimate {
    const entry = this.entries.get(endpointId);
    return {
      latencyMs: entry?.latencyMs,
      errorRate: entry?.errorRate ?? 0,
      sampledAt: entry?.sampledAt,
    };
  }

  /**
   * The expected time to a success on an endpoint, lower is better: its latency divided by its
   * success rate (the mean of a geometric number of tries). 0 for an endpoint never measured, so
   * that it is tried.
   */
  score(endpointId: string): number {
    const entry = this.entries.get(endpointId);
    if (entry?.latencyMs === undefined) return 0;
    return entry.latencyMs / (1 - Math.min(entry.errorRate, MAX_ERROR_RATE));
  }

  private sample(endpointId: string, latencyMs: number | undefined, error: 0 | 1): void {
    const now = this.now();
    const sample = ++this.samples;
    const entry = this.entries.get(endpointId);
    if (!entry) {
      this.entries.set(endpointId, { latencyMs, errorRate: error, sampledAt: now, sample });
      return;
    }
    const gapMs =
      entry.sampledAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - entry.sampledAt);
    const alpha = Math.max(
      1 - Math.exp(-gapMs / this.decayMs),
      1 - Math.exp(-(sample - entry.sample) / this.decaySamples),
    );
    entry.errorRate += alpha * (error - entry.errorRate);
    if (latencyMs !== undefined)
      entry.latencyMs =
        entry.latencyMs === undefined ? latencyMs : entry.latencyMs + alpha * (latencyMs - entry.latencyMs);
    entry.sampledAt = now;
    entry.sample = sample;
  }
}
