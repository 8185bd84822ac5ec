import { describe, expect, it } from 'vitest';
import { ServerEnvError, serverOptionsFromEnv } from './server-env.js';

const metricsOf = (env: Record<string, string>) =>
  serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', ...env }).metrics;

describe('metrics settings from the environment', () => {
  it('serves metrics on their own loopback port 9464 by default', () => {
    expect(metricsOf({})).toEqual({ port: 9464 });
  });

  it('moves the listener, adds the gateway route, or turns metrics off', () => {
    expect(metricsOf({ BEDROCK_HA_METRICS_PORT: '9100', BEDROCK_HA_METRICS_HOST: '0.0.0.0' })).toEqual({
      port: 9100,
      host: '0.0.0.0',
    });
    expect(metricsOf({ BEDROCK_HA_METRICS: 'gateway' })).toEqual({ gatewayRoute: true });
    expect(metricsOf({ BEDROCK_HA_METRICS: ' Both ' })).toEqual({ port: 9464, gatewayRoute: true });
    expect(metricsOf({ BEDROCK_HA_METRICS: 'off' })).toBeUndefined();
  });

  it('reports a bad mode or port with the fix, beside the other problems', () => {
    let error: unknown;
    try {
      serverOptionsFromEnv({ BEDROCK_HA_METRICS: 'prometheus', BEDROCK_HA_METRICS_PORT: '99999' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServerEnvError);
    expect((error as ServerEnvError).problems).toEqual([
      expect.stringContaining('BEDROCK_HA_CONFIG is not set'),
      'BEDROCK_HA_METRICS "prometheus" is not a mode: use port, gateway, both, off',
    ]);
    expect(() => serverOptionsFromEnv({ BEDROCK_HA_CONFIG: 'c.json', BEDROCK_HA_METRICS_PORT: 'x' })).toThrow(
      'BEDROCK_HA_METRICS_PORT "x" is not a whole number from 0 to 65535',
    );
  });
});
