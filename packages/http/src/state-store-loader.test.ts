import { ConfigError, MemoryStateStore } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { openStateStore, pendingStateStore, withStateUrl } from './state-store-loader.js';

const CHAINS = {
  haiku: { endpoints: [{ region: 'us-east-1', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }] },
};

describe('state store loader', () => {
  it('puts state in the Redis BEDROCK_HA_STATE_URL names, keeping the rest of state', () => {
    const config = { chains: CHAINS, state: { keyPrefix: 'prod:' } };
    expect(withStateUrl(config, ' redis://cache:6379 ').state).toEqual({
      keyPrefix: 'prod:',
      store: 'redis',
      url: 'redis://cache:6379',
    });
    expect(withStateUrl(config, '  ')).toBe(config);
  });

  it('opens nothing for memory state, and a Redis store for redis state', async () => {
    expect(await openStateStore({ chains: CHAINS })).toBeUndefined();
    const opened = await openStateStore({
      chains: CHAINS,
      state: { store: 'redis', url: 'redis://127.0.0.1:1' },
    });
    expect(opened?.store.constructor.name).toBe('RedisStateStore');
    await opened?.close();
  });

  it('refuses a URL the Redis client cannot use, without its password', async () => {
    const error = await openStateStore({
      chains: CHAINS,
      state: { store: 'redis', url: 'redis://user:hunter2@cache:6379/zero' },
    }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]).toMatchObject({ path: 'state.url' });
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('rejects calls until the store is loaded, then forwards them', async () => {
    let resolve: (store: { store: MemoryStateStore; close(): Promise<void> }) => void = () => {};
    const pending = pendingStateStore(new Promise((done) => (resolve = done)));
    expect(() => pending.store.takeTokens('a:budget', 1, 10)).toThrow(/still loading/);
    resolve({ store: new MemoryStateStore(), close: async () => {} });
    await new Promise((tick) => setImmediate(tick));
    expect(pending.store.takeTokens('a:budget', 1, 10)).toBe(9);
    await pending.close();
  });
});
