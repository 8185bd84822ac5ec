/** How long affinity remembers a key, and how many keys it keeps. */
export interface AffinityOptions {
  /**
   * How long a key stays bound after its last request (ms), and how long its home stays preferred
   * while another endpoint serves it. Bedrock's prompt cache lives 5 minutes after its last hit, so
   * the default is 5 minutes: past that, nothing is left to return to.
   */
  readonly ttlMs: number;
  /** The most keys remembered; the least recently used are forgotten first. */
  readonly maxKeys: number;
}

/** The defaults of {@link AffinityOptions}: Bedrock's cache TTL, and keys for 10,000 sessions. */
export const DEFAULT_AFFINITY: AffinityOptions = { ttlMs: 300_000, maxKeys: 10_000 };

/** Where a key would like to go: its home, and the endpoint serving it while the home cannot. */
export interface AffinityPreference {
  readonly home: string;
  readonly away: string | undefined;
}

interface Binding {
  home: string;
  /** When the home last served the key: its prompt cache is warm until `homeAt + ttlMs`. */
  homeAt: number;
  /** The endpoint that served the key last while the home could not. */
  away: string | undefined;
  /** When any endpoint last served the key. */
  seenAt: number;
}

/**
 * Which endpoint each affinity key (a session, a user, a prompt-cache key) belongs to, per chain, in
 * this process's memory: bounded by `maxKeys` (least recently used out first) and `ttlMs`.
 *
 * The rule: the endpoint that first serves a key becomes its home. When another endpoint serves it
 * (the home failed, was open, parked or at capacity), the home stays the key's home for `ttlMs` after
 * it last served, so traffic returns as soon as it can take it again while its cache is still warm;
 * meanwhile the key prefers the endpoint that served it last. Once the home has not served it for
 * `ttlMs`, its cache is gone, and the endpoint serving the key becomes its new home.
 */
export class AffinityTable {
  // Insertion order is recency order: a touched binding is deleted and set again.
  private readonly bindings = new Map<string, Binding>();

  constructor(
    private readonly options: AffinityOptions,
    private readonly now: () => number = Date.now,
  ) {
    if (!(options.ttlMs > 0)) throw new RangeError(`affinity ttlMs must be positive, got ${options.ttlMs}`);
    if (!(Number.isInteger(options.maxKeys) && options.maxKeys > 0))
      throw new RangeError(`affinity maxKeys must be a positive integer, got ${options.maxKeys}`);
  }

  /** Where `key` would like to go on `chain`, or `undefined` for a key unknown or expired. */
  preference(chain: string, key: string): AffinityPreference | undefined {
    const id = bindingId(chain, key);
    const binding = this.bindings.get(id);
    if (!binding) return undefined;
    if (this.now() - binding.seenAt >= this.options.ttlMs) {
      this.bindings.delete(id);
      return undefined;
    }
    return { home: binding.home, away: binding.away };
  }

  /** Records that `endpointId` served `key` on `chain`. */
  served(chain: string, key: string, endpointId: string): void {
    const id = bindingId(chain, key);
    const now = this.now();
    const binding = this.bindings.get(id);
    this.bindings.delete(id);
    const expired = !binding || now - binding.seenAt >= this.options.ttlMs;
    if (expired || binding.home === endpointId || now - binding.homeAt >= this.options.ttlMs)
      this.bindings.set(id, { home: endpointId, homeAt: now, away: undefined, seenAt: now });
    else this.bindings.set(id, { ...binding, away: endpointId, seenAt: now });
    if (this.bindings.size > this.options.maxKeys) {
      const oldest = this.bindings.keys().next().value;
      if (oldest !== undefined) this.bindings.delete(oldest);
    }
  }

  /** Keys remembered now (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.bindings.size;
  }
}

function bindingId(chain: string, key: string): string {
  return `${chain}\u0000${key}`;
}
