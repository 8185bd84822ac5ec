import type { MetricsOptions } from '@bedrock-ha/node';

/** The metrics variables the binary reads, with what each one means (printed by `--help`). */
export const METRICS_ENV = {
  BEDROCK_HA_METRICS:
    'where Prometheus metrics are served: port (own listener, default), gateway (GET /metrics behind the API keys), both, or off',
  BEDROCK_HA_METRICS_PORT: 'the metrics listener port (default 9464)',
  BEDROCK_HA_METRICS_HOST: 'the metrics listener interface (default 127.0.0.1)',
} as const;

const MODES = ['port', 'gateway', 'both', 'off'] as const;
/** Prometheus' registered default port for OpenTelemetry exporters. */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * Reads the Prometheus exposition's settings; a problem is pushed onto `problems`, to be reported
 * with the others. `undefined`: metrics off.
 */
export function metricsOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  problems: string[],
): MetricsOptions | undefined {
  const mode = env.BEDROCK_HA_METRICS?.trim().toLowerCase() || 'port';
  if (!(MODES as readonly string[]).includes(mode)) {
    problems.push(`BEDROCK_HA_METRICS "${env.BEDROCK_HA_METRICS}" is not a mode: use ${MODES.join(', ')}`);
    return undefined;
  }
  const portText = env.BEDROCK_HA_METRICS_PORT?.trim();
  let port = DEFAULT_METRICS_PORT;
  if (portText) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65_535)
      problems.push(
        `BEDROCK_HA_METRICS_PORT "${env.BEDROCK_HA_METRICS_PORT}" is not a whole number from 0 to 65535`,
      );
  }
  const host = env.BEDROCK_HA_METRICS_HOST?.trim();
  if (mode === 'off') return undefined;
  const ownPort = mode === 'port' || mode === 'both';
  return {
    ...(ownPort && { port, ...(host ? { host } : {}) }),
    ...((mode === 'gateway' || mode === 'both') && { gatewayRoute: true }),
  };
}
