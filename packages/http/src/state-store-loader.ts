import {
  type BedrockHAConfig,
  type BreakerRecord,
  ConfigError,
  type Reservation,
  type StateStore,
  type WindowOptions,
} from '@bedrock-ha/core';

/** The shared store a config asks for, with how to close it on shutdown. */
export interface OpenedStateStore {
  readonly store: StateStore;
  close(): Promise<void>;
}

/** What the loader reports about the store's connection (never a password: URLs are redacted). */
export type StateStoreLog = (state: 'up' | 'down', message: string) => void;

/**
 * The config with `BEDROCK_HA_STATE_URL`'s value applied: when set, state lives in that Redis (the
 * variable wins over `state.url`, so one image serves every environment).
 */
export function withStateUrl(config: BedrockHAConfig, url: string | undefined): BedrockHAConfig {
  const trimmed = url?.trim();
  if (!trimmed) return config;
  return { ...config, state: { ...config.state, store: 'redis', url: trimmed } };
}

/**
 * Opens the store `config.state` asks for: `undefined` for memory, else a `RedisStateStore` from
 * `@bedrock-ha/redis`, loaded only now so that deployments without Redis never load it.
 * @throws ConfigError when the package is not installed or the URL is not a Redis URL.
 */
export async function openStateStore(
  config: BedrockHAConfig,
  log: StateStoreLog = () => {},
): Promise<OpenedStateStore | undefined> {
  const state = config.state;
  if (state?.store !== 'redis' || !state.url) return undefined;
  let redis: typeof import('@bedrock-ha/redis');
  try {
    redis = await import('@bedrock-ha/redis');
  } catch (error) {
    throw new ConfigError([
      {
        path: 'state.store',
        message: `store 'redis' needs the @bedrock-ha/redis package, which did not load (${(error as Error).message})`,
        fix: "install it next to the gateway (npm install @bedrock-ha/redis), or set store: 'memory'",
      },
    ]);
  }
  let store: InstanceType<typeof redis.RedisStateStore>;
  try {
    store = new redis.RedisStateStore({
      url: state.url,
      ...(state.keyPrefix === undefined ? {} : { keyPrefix: state.keyPrefix }),
      onConnectionChange: (change, error) =>
        log(change, change === 'up' ? 'state store connected' : (error?.message ?? 'state store down')),
    });
  } catch (error) {
    throw new ConfigError([{ path: 'state.url', message: (error as Error).message }]);
  }
  return { store, close: () => store.close() };
}

/**
 * A store usable at once that forwards to `opening` once it resolves; until then (or if it fails)
 * each call rejects, which the engine's local fallback answers locally. For synchronous set-ups
 * (a Lambda handler's module scope) that cannot wait for the store to load.
 */
export function pendingStateStore(opening: Promise<OpenedStateStore | undefined>): OpenedStateStore {
  let opened: OpenedStateStore | undefined;
  let failure: unknown = new Error('the state store is still loading');
  opening.then(
    (value) => {
      opened = value;
      if (!value) failure = new Error('no state store was configured');
    },
    (error: unknown) => {
      failure = error;
    },
  );
  const target = (): StateStore => {
    if (opened) return opened.store;
    throw failure;
  };
  const store: StateStore = {
    readBreaker: (key: string) => target().readBreaker(key),
    writeBreaker: (key: string, record: BreakerRecord) => target().writeBreaker(key, record),
    acquireProbe: (key: string, ttlMs: number) => target().acquireProbe(key, ttlMs),
    releaseProbe: (key: string) => target().releaseProbe(key),
    countFailure: (key: string, windowMs: number) => target().countFailure(key, windowMs),
    resetFailures: (key: string) => target().resetFailures(key),
    takeTokens: (key: string, cost: number, capacity: number) => target().takeTokens(key, cost, capacity),
    refillTokens: (key: string, amount: number, capacity: number) =>
      target().refillTokens(key, amount, capacity),
    reserve: (key: string, amount: number, window: WindowOptions) => target().reserve(key, amount, window),
    settle: (reservation: Reservation, actual: number) => target().settle(reservation, actual),
    readWindow: (key: string, windowMs: number) => target().readWindow(key, windowMs),
  };
  return {
    store,
    close: async () => {
      await (await opening.catch(() => undefined))?.close();
    },
  };
}
