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

  it('runs on the store it is given when state says redis', () => {
    const ha = createBedrockHA(
      { chains: CHAINS, state: { store: 'redis', url: 'redis://127.0.0.1:6379', timeoutMs: 20 } },
      { stateStore: new MemoryStateStore(), telemetry: false },
    );
    expect(ha.chains).toEqual(['haiku']);
    ha.destroy();
  });
});
