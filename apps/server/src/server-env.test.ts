import { describe, expect, it } from 'vitest';
import { ServerEnvError, serverOptionsFromEnv } from './server-env.js';

describe('serverOptionsFromEnv', () => {
  it('reads the config path, port, host, keys and level, with defaults for the rest', () => {
    expect(
      serverOptionsFromEnv({
        BEDROCK_HA_CONFIG: ' ./bedrock-ha.yaml ',
        BEDROCK_HA_API_KEYS: 'one, two,,',
        LOG_LEVEL: 'DEBUG',
      }),
    ).toEqual({
      configPath: './bedrock-ha.yaml',
      port: 8080,
      apiKeys: ['one', 'two'],
      logLevel: 'debug',
      metrics: { port: 9464 },
    });
    expect(
      serverOptionsFromEnv({
        BEDROCK_HA_CONFIG: 'c.json',
        PORT: '0',
        HOST: '127.0.0.1',
        BEDROCK_HA_SHUTDOWN_TIMEOUT_MS: '2500',
        BEDROCK_HA_MAX_BODY_BYTES: '2048',
        BEDROCK_HA_MAX_CONNECTIONS: '50',
        BEDROCK_HA_MAX_IN_FLIGHT: '200',
        BEDROCK_HA_MAX_REQUESTS_PER_TURN: '8',
        BEDROCK_HA_MAX_QUEUE_WAIT_MS: '250',
        BEDROCK_HA_ACCEPT_LISTENERS: '4',
        BEDROCK_HA_HEADERS_TIMEOUT_MS: '5000',
        BEDROCK_HA_IDLE_TIMEOUT_MS: '30000',
      }),
    ).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      apiKeys: [],
      shutdownTimeoutMs: 2500,
      maxBodyBytes: 2048,
      maxConnections: 50,
      maxInFlight: 200,
      maxRequestsPerTurn: 8,
      maxQueueWaitMs: 250,
      acceptListeners: 4,
      headersTimeoutMs: 5000,
      idleTimeoutMs: 30000,
    });
    expect(
      serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', HOST: '0.0.0.0', BEDROCK_HA_AUTH: ' None ' }),
    ).toMatchObject({ host: '0.0.0.0', apiKeys: [], auth: 'none' });
  });

  it('refuses a keys variable that holds no key, and an unknown auth mode', () => {
    for (const keys of [' , ,', '', ' ']) {
      expect(() => serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', BEDROCK_HA_API_KEYS: keys })).toThrow(
        'BEDROCK_HA_API_KEYS is set but holds no key: give comma-separated keys (key1,key2), or unset it',
      );
    }
    expect(() => serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', BEDROCK_HA_AUTH: 'off' })).toThrow(
      'BEDROCK_HA_AUTH "off" is not a mode: use api-keys or none',
    );
  });

  it('reads the Redis URL the fleet shares state through, and refuses one that is not (without echoing it)', () => {
    expect(
      serverOptionsFromEnv({
        BEDROCK_HA_CONFIG: 'c.json',
        BEDROCK_HA_STATE_URL: ' rediss://u:secret@cache:6379 ',
      }),
    ).toMatchObject({ stateUrl: 'rediss://u:secret@cache:6379' });
    let caught: unknown;
    try {
      serverOptionsFromEnv({
        BEDROCK_HA_CONFIG: 'c.json',
        BEDROCK_HA_STATE_URL: 'http://u:secret@cache:6379',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServerEnvError);
    expect((caught as Error).message).toMatch(/BEDROCK_HA_STATE_URL is not a Redis URL: use redis:\/\//);
    expect((caught as Error).message).not.toMatch(/secret/);
  });

  it('reports every bad variable at once, saying what is expected', () => {
    let caught: unknown;
    try {
      serverOptionsFromEnv({ PORT: '70000', LOG_LEVEL: 'chatty', BEDROCK_HA_SHUTDOWN_TIMEOUT_MS: '-1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServerEnvError);
    expect((caught as ServerEnvError).problems).toEqual([
      'BEDROCK_HA_CONFIG is not set: point it at a bedrock-ha config file (.json, .yaml or .yml)',
      'PORT "70000" is not a whole number from 0 to 65535',
      'BEDROCK_HA_SHUTDOWN_TIMEOUT_MS "-1" is not a whole number from 0 to 2147483647',
      'LOG_LEVEL "chatty" is not a level: use trace, debug, info, warn, error, fatal, silent',
    ]);
  });

  it('reads the affinity header in lower case, and refuses one that is no header name', () => {
    expect(
      serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', BEDROCK_HA_AFFINITY_HEADER: ' X-Conversation ' }),
    ).toMatchObject({ affinityHeader: 'x-conversation' });
    expect(serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json' })).not.toHaveProperty('affinityHeader');
    expect(() =>
      serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', BEDROCK_HA_AFFINITY_HEADER: 'session id' }),
    ).toThrow(
      'BEDROCK_HA_AFFINITY_HEADER "session id" is not a header name: use letters, digits and - (e.g. x-session-id)',
    );
  });

  it('reads the origins from BEDROCK_HA_CORS_ORIGINS', () => {
    const options = serverOptionsFromEnv({
      BEDROCK_HA_CONFIG: 'config.yaml',
      BEDROCK_HA_CORS_ORIGINS: ' http://localhost:5173, https://app.example.com ,',
    });
    expect(options.corsOrigins).toEqual(['http://localhost:5173', 'https://app.example.com']);
    expect(serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'config.yaml' }).corsOrigins).toBeUndefined();
  });
});
