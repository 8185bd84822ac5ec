import type { BreakerRecord, Reservation, StateStore, WindowOptions } from '@bedrock-ha/core';
import { createClient, type RedisClientType } from '@redis/client';
import {
  COUNT_FAILURE,
  type LuaScript,
  READ_WINDOW,
  REFILL_TOKENS,
  RESERVE,
  SETTLE,
  TAKE_TOKENS,
} from './lua-scripts.js';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';

/** Options of {@link RedisStateStore}. */
export interface RedisStateStoreOptions {
  /**
   * `redis://host:6379`, or `rediss://user:password@host:6379` for TLS and AUTH (ElastiCache with
   * in-transit encryption and an AUTH token or RBAC user); `/N` selects database N.
   */
  readonly url: string;
  /** Prepended to every key (default `bedrock-ha:`); give fleets sharing one Redis different prefixes. */
  readonly keyPrefix?: string;
  /**
   * The longest one command may take, sent or not (ms; default 50). The engine's local fallback
   * bounds each call too, usually tighter; this bound keeps a stalled connection from piling up.
   */
  readonly commandTimeoutMs?: number;
  /** The longest a connection attempt may take (ms; default 1000); reconnects retry with backoff. */
  readonly connectTimeoutMs?: number;
  /**
   * The connection went down (with why) or came back up. Called once per change, not once per
   * failed reconnect; the error's message never holds the URL's password.
   */
  readonly onConnectionChange?: (state: 'up' | 'down', error?: Error) => void;
}

/** Default of {@link RedisStateStoreOptions.keyPrefix}. */
export const DEFAULT_KEY_PREFIX = 'bedrock-ha:';

/**
 * A {@link StateStore} on Redis 7 (or Valkey, or ElastiCache): every instance of a fleet given the
 * same URL and prefix sees one set of breakers, retry budgets and usage windows.
 *
 * Atomic read-modify-writes run as Lua scripts (`EVALSHA`, falling back to `EVAL` on `NOSCRIPT`);
 * the half-open probe is `SET NX PX`; windows follow Redis's clock (`TIME`). Keys are
 * `<prefix>{<endpoint id>}:<kind>`, hash-tagged by endpoint so that one endpoint's keys would
 * share a slot in a cluster; cluster mode itself is not supported yet (use one primary, with
 * replicas for failover).
 *
 * Commands are never queued while the connection is down (they reject at once) and each is
 * bounded by `commandTimeoutMs`: give the store to `createBedrockHA({ stateStore })`, which wraps
 * it with `withLocalFallback`, so Redis trouble turns into local decisions, never failed requests.
 */
export class RedisStateStore implements StateStore {
  private readonly client: RedisClientType;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private announcedDown = false;
  private closed = false;
  private readonly connecting: Promise<unknown>;

  /** Connects in the background; calls reject until the connection is up. Throws RangeError for a bad URL. */
  constructor(private readonly options: RedisStateStoreOptions) {
    checkRedisUrl(options.url);
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.timeoutMs = options.commandTimeoutMs ?? 50;
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 1_000,
        // Keep trying every half second at most: the engine runs on local state meanwhile.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500),
      },
    }) as RedisClientType;
    const redacted = redactRedisUrl(options.url);
    this.client.on('error', (error: Error) => this.down(error, redacted));
    this.client.on('ready', () => {
      this.announcedDown = false;
      this.notify('up');
    });
    this.connecting = this.client.connect().catch((error: unknown) => {
      this.down(error instanceof Error ? error : new Error(String(error)), redacted);
    });
  }

  /** Resolves once the first connection is up (or failed for good); calls work without waiting. */
  async ready(): Promise<boolean> {
    await this.connecting;
    return this.client.isReady;
  }

  /** Whether the connection is up now. */
  get connected(): boolean {
    return this.client.isReady;
  }

  async readBreaker(key: string): Promise<BreakerRecord | undefined> {
    const value = await this.send<string | null>(['GET', this.key(key, '')]);
    return value === null ? undefined : (JSON.parse(value) as BreakerRecord);
  }

  async writeBreaker(key: string, record: BreakerRecord): Promise<void> {
    const { state, openUntil, coolDownMs } = record;
    await this.send(['SET', this.key(key, ''), JSON.stringify({ state, openUntil, coolDownMs })]);
  }

  async acquireProbe(key: string, ttlMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs)));
    return (await this.send(['SET', this.key(key, ':probe'), '1', 'NX', 'PX', ttl])) === 'OK';
  }

  async releaseProbe(key: string): Promise<void> {
    await this.send(['DEL', this.key(key, ':probe')]);
  }

  async countFailure(key: string, windowMs: number): Promise<number> {
    const ttl = Math.max(1, Math.ceil(windowMs));
    return Number(await this.run<number>(COUNT_FAILURE, this.key(key, ''), [ttl]));
  }

  async resetFailures(key: string): Promise<void> {
    await this.send(['DEL', this.key(key, '')]);
  }

  async takeTokens(key: string, cost: number, capacity: number): Promise<number | undefined> {
    const left = await this.run<string | null>(TAKE_TOKENS, this.key(key, ':bucket'), [cost, capacity]);
    return left === null ? undefined : Number(left);
  }

  async refillTokens(key: string, amount: number, capacity: number): Promise<number> {
    return Number(await this.run<string>(REFILL_TOKENS, this.key(key, ':bucket'), [amount, capacity]));
  }

  async reserve(key: string, amount: number, window: WindowOptions): Promise<Reservation | undefined> {
    const limit = window.limit === undefined ? '' : String(window.limit);
    const previousSeen = window.previousSeen === undefined ? '' : String(window.previousSeen);
    const reply = await this.run<[string, string, string] | null>(RESERVE, this.key(key, ':window'), [
      window.windowMs,
      amount,
      limit,
      previousSeen,
    ]);
    if (reply === null) return undefined;
    const [windowStart, total, previousTotal] = reply;
    return {
      key,
      windowStart: Number(windowStart),
      windowMs: window.windowMs,
      amount,
      total: Number(total),
      previousTotal: Number(previousTotal),
    };
  }

  async settle(reservation: Reservation, actual: number): Promise<void> {
    await this.run(SETTLE, this.key(reservation.key, ':window'), [
      reservation.windowStart,
      reservation.amount,
      actual,
      reservation.windowMs,
    ]);
  }

  async readWindow(key: string, windowMs: number): Promise<number> {
    return Number(await this.run<string>(READ_WINDOW, this.key(key, ':window'), [windowMs]));
  }

  /** Closes the connection (pending commands finish first); the store answers no more calls. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.isOpen) await this.client.close();
    else this.client.destroy();
  }

  /** `<prefix>{<endpoint id>}:<kind><suffix>`: the engine's keys are `<endpoint id>:<kind>`. */
  private key(key: string, suffix: string): string {
    const split = key.lastIndexOf(':');
    const id = split < 0 ? key : key.slice(0, split);
    const kind = split < 0 ? 'state' : key.slice(split + 1);
    return `${this.prefix}{${id}}:${kind}${suffix}`;
  }

  private send<T>(args: string[]): Promise<T> {
    return this.client.sendCommand<T>(args, { timeout: this.timeoutMs, rejectInFlight: true });
  }

  /** Runs a script by its SHA1, loading it with `EVAL` when Redis does not know it (yet, or any more). */
  private async run<T>(script: LuaScript, key: string, args: (number | string)[]): Promise<T> {
    const rest = [key, ...args.map(String)];
    try {
      return await this.send<T>(['EVALSHA', script.sha1, '1', ...rest]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await this.send<T>(['EVAL', script.source, '1', ...rest]);
    }
  }

  private down(error: Error, redactedUrl: string): void {
    if (this.announcedDown || this.closed) return;
    this.announcedDown = true;
    const message = error.message.split(this.options.url).join(redactedUrl);
    this.notify('down', new Error(`Redis at ${redactedUrl} unavailable: ${message}`));
  }

  private notify(state: 'up' | 'down', error?: Error): void {
    try {
      this.options.onConnectionChange?.(state, error);
    } catch {}
  }
}
