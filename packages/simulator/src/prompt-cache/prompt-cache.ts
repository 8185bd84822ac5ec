import type { CachePoint } from './cache-points.js';

/** Options of {@link PromptCache}. */
export interface PromptCacheOptions {
  /** How long an entry lives after it was last written or read (ms); Bedrock's default is 5 minutes. */
  readonly ttlMs: number;
  /** A checkpoint whose prefix is shorter than this many tokens is ignored, as Bedrock ignores it. */
  readonly minTokens: number;
  /** The most entries kept; the least recently used go first. */
  readonly maxEntries: number;
}

/** What the prompt cache did for one request. */
export interface CacheUse {
  /** Input tokens served from the cache (the longest cached prefix). */
  readonly readTokens: number;
  /** Input tokens written to the cache: the longest new checkpoint beyond what was read. */
  readonly writeTokens: number;
}

/**
 * Bedrock's prompt cache as the simulator models it: an entry per endpoint (the capacity the
 * request draws on: region and model, profile or Provisioned Throughput) and prompt prefix up to a
 * `cachePoint`, so a prefix cached on one endpoint hits only there. A hit resets the entry's TTL.
 */
export class PromptCache {
  // Insertion order is recency order: a touched entry is deleted and set again.
  private readonly expiries = new Map<string, number>();

  constructor(private readonly options: PromptCacheOptions) {}

  /**
   * Reads the longest cached prefix of `points` on `endpoint` (a checkpoint, or a block boundary it
   * looks back to), resetting its TTL, and writes every longer checkpoint.
   */
  use(endpoint: string, points: readonly CachePoint[], now: number): CacheUse {
    const { minTokens, ttlMs } = this.options;
    const eligible = points.filter((point) => point.tokens >= minTokens);
    let hit: { key: string; tokens: number; ttlFactor: number } | undefined;
    for (const point of eligible)
      for (const prefix of [point, ...point.lookback]) {
        if (prefix.tokens < minTokens || (hit && prefix.tokens <= hit.tokens)) continue;
        const key = `${endpoint}|${prefix.hash}`;
        if ((this.expiries.get(key) ?? 0) > now)
          hit = { key, tokens: prefix.tokens, ttlFactor: point.ttlFactor };
      }
    const readTokens = hit?.tokens ?? 0;
    if (hit) this.touch(hit.key, now + ttlMs * hit.ttlFactor);
    let written = readTokens;
    for (const point of eligible) {
      if (point.tokens <= readTokens) continue;
      this.touch(`${endpoint}|${point.hash}`, now + ttlMs * point.ttlFactor);
      written = Math.max(written, point.tokens);
    }
    return { readTokens, writeTokens: written - readTokens };
  }

  /** Number of live entries (expired ones may linger until the next sweep). */
  get size(): number {
    return this.expiries.size;
  }

  /** Forgets every entry. */
  clear(): void {
    this.expiries.clear();
  }

  private touch(key: string, expiresAt: number): void {
    this.expiries.delete(key);
    this.expiries.set(key, expiresAt);
    if (this.expiries.size <= this.options.maxEntries) return;
    // Over the bound: drop the least recently used (the oldest insertion).
    const oldest = this.expiries.keys().next().value;
    if (oldest !== undefined) this.expiries.delete(oldest);
  }
}
