import { MAX_TIMER_MS } from '@bedrock-ha/core';
import {
  AUTH_MODES,
  type AuthMode,
  isAuthMode,
  isLogLevel,
  LOG_LEVELS,
  type ServerOptions,
} from '@bedrock-ha/node';
import { METRICS_ENV, metricsOptionsFromEnv } from './metrics-env.js';

/** The environment variables the binary reads, with what each one means (printed by `--help`). */
export const SERVER_ENV = {
  BEDROCK_HA_CONFIG: 'the configuration file, .json, .yaml or .yml (required)',
  PORT: 'the port to listen on (default 8080)',
  HOST: 'the interface to listen on (default 127.0.0.1; 0.0.0.0 is every interface)',
  BEDROCK_HA_API_KEYS: 'accepted API keys, comma-separated (required off loopback)',
  BEDROCK_HA_AUTH: 'none accepts every client off loopback without keys (default api-keys)',
  LOG_LEVEL: `${LOG_LEVELS.join(', ')} (default info)`,
  BEDROCK_HA_SHUTDOWN_TIMEOUT_MS:
    'the whole shutdown budget: requests in flight, then the telemetry flush (default 8000)',
  BEDROCK_HA_MAX_BODY_BYTES: 'the largest request body accepted (default 1048576)',
  BEDROCK_HA_CORS_ORIGINS:
    'origins whose pages may call from a browser, comma-separated, or * (none: no CORS)',
  BEDROCK_HA_MAX_CONNECTIONS:
    'connections open at once; past it new ones are refused and logged (default 1000)',
  BEDROCK_HA_MAX_IN_FLIGHT:
    'model calls answered at once; past it new ones get a retryable 503 at once (default 1000)',
  BEDROCK_HA_MAX_REQUESTS_PER_TURN:
    'requests started per event-loop turn, the rest wait in arrival order for the next turn (default 16; 0: no cap)',
  BEDROCK_HA_MAX_QUEUE_WAIT_MS:
    'ms the oldest queued request may have waited for this process before new model calls get a retryable 503 at once (default 100; 0: no bound)',
  BEDROCK_HA_ACCEPT_LISTENERS:
    'listening sockets on the port, each accepting one new connection per event-loop turn (default 8 on Linux, 1 elsewhere)',
  BEDROCK_HA_HEADERS_TIMEOUT_MS:
    'ms a connection has to send its request headers or HTTP/2 preface, then it is closed (default 20000)',
  BEDROCK_HA_STATE_URL:
    'a Redis URL (redis://host:6379, rediss://user:password@host:6379 for TLS) whose server every gateway instance shares breakers, budgets and usage through (default: this process only)',
  BEDROCK_HA_IDLE_TIMEOUT_MS:
    'ms a connection with no request in flight stays open, HTTP/1.1 keep-alive and HTTP/2 (default 65000)',
  BEDROCK_HA_AFFINITY_HEADER:
    'the request header whose value keeps requests on one endpoint for prompt-cache hits (default x-session-id)',
  ...METRICS_ENV,
} as const;

/** The environment cannot start a server; `problems` says what to fix, one line each. */
export class ServerEnvError extends Error {
  override readonly name = 'ServerEnvError';

  constructor(readonly problems: readonly string[]) {
    super(`cannot start:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Reads the binary's options from the environment ({@link SERVER_ENV}), reporting every problem at
 * once.
 * @throws ServerEnvError when a variable is missing or invalid.
 */
export function serverOptionsFromEnv(env: NodeJS.ProcessEnv): ServerOptions {
  const problems: string[] = [];
  const configPath = env.BEDROCK_HA_CONFIG?.trim();
  if (!configPath)
    problems.push(
      'BEDROCK_HA_CONFIG is not set: point it at a bedrock-ha config file (.json, .yaml or .yml)',
    );
  const port = integer(env, 'PORT', 0, 65_535, problems);
  const shutdownTimeoutMs = integer(env, 'BEDROCK_HA_SHUTDOWN_TIMEOUT_MS', 0, MAX_TIMER_MS, problems);
  const maxBodyBytes = integer(env, 'BEDROCK_HA_MAX_BODY_BYTES', 1, Number.MAX_SAFE_INTEGER, problems);
  const maxConnections = integer(env, 'BEDROCK_HA_MAX_CONNECTIONS', 1, 1_000_000, problems);
  const maxInFlight = integer(env, 'BEDROCK_HA_MAX_IN_FLIGHT', 1, 1_000_000, problems);
  const maxRequestsPerTurn = integer(env, 'BEDROCK_HA_MAX_REQUESTS_PER_TURN', 0, 1_000_000, problems);
  const maxQueueWaitMs = integer(env, 'BEDROCK_HA_MAX_QUEUE_WAIT_MS', 0, 3_600_000, problems);
  const acceptListeners = integer(env, 'BEDROCK_HA_ACCEPT_LISTENERS', 1, 64, problems);
  const headersTimeoutMs = integer(env, 'BEDROCK_HA_HEADERS_TIMEOUT_MS', 1, 3_600_000, problems);
  const idleTimeoutMs = integer(env, 'BEDROCK_HA_IDLE_TIMEOUT_MS', 1, 3_600_000, problems);
  const logLevel = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!isLogLevel(logLevel))
    problems.push(`LOG_LEVEL "${env.LOG_LEVEL}" is not a level: use ${LOG_LEVELS.join(', ')}`);
  const authText = env.BEDROCK_HA_AUTH?.trim().toLowerCase();
  const auth: AuthMode | undefined = authText && isAuthMode(authText) ? authText : undefined;
  if (authText && auth === undefined)
    problems.push(`BEDROCK_HA_AUTH "${env.BEDROCK_HA_AUTH}" is not a mode: use ${AUTH_MODES.join(' or ')}`);
  const apiKeys = listFrom(env.BEDROCK_HA_API_KEYS);
  // Set, but no key in it (`" , ,"`, or empty from an unset shell variable): a mistake, not a
  // wish for an open gateway.
  if (env.BEDROCK_HA_API_KEYS !== undefined && apiKeys.length === 0)
    problems.push(
      'BEDROCK_HA_API_KEYS is set but holds no key: give comma-separated keys (key1,key2), or unset it',
    );
  const stateUrl = env.BEDROCK_HA_STATE_URL?.trim();
  if (stateUrl && !/^rediss?:\/\/[^\s]+$/.test(stateUrl))
    problems.push(
      'BEDROCK_HA_STATE_URL is not a Redis URL: use redis://host:6379, or rediss://user:password@host:6379 for TLS',
    );
  const affinityHeader = env.BEDROCK_HA_AFFINITY_HEADER?.trim().toLowerCase();
  if (affinityHeader && !HEADER_NAME.test(affinityHeader))
    problems.push(
      `BEDROCK_HA_AFFINITY_HEADER "${env.BEDROCK_HA_AFFINITY_HEADER}" is not a header name: use letters, digits and - (e.g. x-session-id)`,
    );
  const metrics = metricsOptionsFromEnv(env, problems);
  if (problems.length > 0) throw new ServerEnvError(problems);
  const host = env.HOST?.trim();
  const corsOrigins = listFrom(env.BEDROCK_HA_CORS_ORIGINS);
  return {
    configPath: configPath!,
    port: port ?? 8080,
    ...(host ? { host } : {}),
    apiKeys,
    ...(auth === undefined ? {} : { auth }),
    logLevel,
    ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(corsOrigins.length > 0 && { corsOrigins }),
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
    ...(maxRequestsPerTurn === undefined ? {} : { maxRequestsPerTurn }),
    ...(maxQueueWaitMs === undefined ? {} : { maxQueueWaitMs }),
    ...(acceptListeners === undefined ? {} : { acceptListeners }),
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    ...(stateUrl ? { stateUrl } : {}),
    ...(affinityHeader ? { affinityHeader } : {}),
    ...(metrics && { metrics }),
  };
}

/** An HTTP header name (RFC 9110 token), in lower case as it arrives. */
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** A comma-separated list (keys, origins), trimmed, empty entries left out. */
function listFrom(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (/^\d+$/.test(text) && value >= min && value <= max) return value;
  problems.push(`${name} "${env[name]}" is not a whole number from ${min} to ${max}`);
  return undefined;
}
