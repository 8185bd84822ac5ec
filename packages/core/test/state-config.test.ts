import { describe, expect, it } from 'vitest';
import { ConfigError, createBedrockHA, MemoryStateStore } from '../src/index.js';
import { HAIKU } from './harness.js';

const CHAINS = { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } };

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('state config', () => {
  it('needs a url for the redis store, and says how to give one', () => {
    const error = configError(() => createBedrockHA({ chains: CHAINS, state: { store: 'redis' } }));
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'state.url', message: expect.stringMatching(/BEDROCK_HA_STATE_URL/) }),
    ]);
  });

  it('refuses a url that is not a Redis URL, naming the forms it takes', () => {
    const error = configError(() =>
      createBedrockHA({ chains: CHAINS, state: { store: 'redis', url: 'http://cache:6379' } }),
    );
    expect(error.issues[0]).toMatchObject({
      path: 'state.url',
      message: expect.stringMatching(/rediss:\/\//),
    });
  });

  it('says where the Redis store comes from when createBedrockHA is given none', () => {
    const error = configError(() =>
      createBedrockHA({ chains: CHAINS, state: { store: 'redis', url: 'redis://127.0.0.1:6379' } }),
    );
    expect(error.issues[0]).toMatchObject({
      path: 'state.store',
      fix: expect.stringMatching(/@bedrock-ha\/redis/),
    });
  });

  it("refuses a store breaker that could never open or never close, naming the setting's range", () => {
    const error = configError(() =>
      createBedrockHA({ chains: CHAINS, state: { breaker: { failures: 0, halfOpenAfterMs: 2.5 } } }),
    );
    expect(error.issues).toEqual([
      { path: 'state.breaker.failures', message: 'must be at least 1, got 0' },
      { path: 'state.breaker.halfOpenAfterMs', message: 'expected an integer, got number 2.5' },
    ]);
  });

  it('names the store breaker settings it knows when one is misspelled', () => {
    const error = configError(() =>
      createBedrockHA({ chains: CHAINS, state: { breaker: { failureThreshold: 3 } } as never }),
    );
    expect(error.issues).toEqual([
      {
        path: 'state.breaker',
        message: 'unknown key "failureThreshold"',
        fix: 'known keys: failures, halfOpenAfterMs',
      },
    ]);
  });

  it('runs on the store it is given when state says redis', () => {
    const ha = createBedrockHA(
      { chains: CHAINS, state: { store: 'redis', url: 'redis://127.0.0.1:6379', timeoutMs: 20 } },
      { stateStore: new MemoryStateStore(), telemetry: false },
    );
    expect(ha.chains).toEqual(['haiku']);
    ha.destroy();
  });
});
