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

  /** Reads the longest cached prefix of `points` on `endpoint`, and writes the longer ones. */
  use(endpoint: string, points: readonly CachePoint[], now: number): CacheUse {
    const eligible = points.filter((point) => point.tokens >= this.options.minTokens);
    let hit = -1;
    for (let index = eligible.length - 1; index >= 0; index--) {
      const key = `${endpoint}|${eligible[index]!.hash}`;
      const expiresAt = this.expiries.get(key);
      if (expiresAt !== undefined && expiresAt > now) {
        hit = index;
        break;
      }
    }
    const readTokens = hit < 0 ? 0 : eligible[hit]!.tokens;
    let written = readTokens;
    // The hit entry's TTL is reset; every longer checkpoint is written.
    for (let index = Math.max(hit, 0); index < eligible.length; index++) {
      const point = eligible[index]!;
      this.touch(`${endpoint}|${point.hash}`, now + this.options.ttlMs * point.ttlFactor);
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
