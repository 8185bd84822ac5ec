import type { AddressInfo } from 'node:net';
import {
  type BedrockHA,
  type BedrockHAConfig,
  createBedrockHA,
  loadConfig,
  MAX_TIMER_MS,
} from '@bedrock-ha/core';
import { createGateway, openStateStore, withStateUrl } from '@bedrock-ha/http';
import type { Logger } from 'pino';
import { AccessLog } from './access-log.js';
import { checkAffinityHeader } from './affinity-header.js';
import { AUTH_MODES, checkAuthPolicy, isAuthMode } from './auth-policy.js';
import {
  type ConnectionLimits,
  connectionLimitLog,
  DEFAULT_MAX_CONNECTIONS,
  resolveLimits,
} from './connection-limits.js';
import { dualProtocolServer } from './dual-protocol-server.js';
import { logEngineEvents } from './engine-log.js';
import { InFlightLimit } from './in-flight-limit.js';
import { InFlightRequests } from './in-flight-requests.js';
import { createLogger, isLogLevel, LOG_LEVELS } from './logger.js';
import { createPrometheusMetrics } from './metrics/prometheus-metrics.js';
import type { NodeResponse } from './node-message.js';
import { requestHandler } from './request-entry.js';
import type { RunningServer, ServerOptions } from './server-options.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, drainBudgetMs } from './shutdown-budget.js';
import { startTelemetry, type TelemetryLease } from './telemetry.js';
import { DEFAULT_MAX_QUEUE_WAIT_MS, TurnBudget } from './turn-budget.js';

const DEFAULT_PORT = 8080;
/** Loopback only: reaching the gateway from elsewhere is a choice (`HOST` / `host`). */
const DEFAULT_HOST = '127.0.0.1';

/**
 * Starts the bedrock-ha gateway: loads the configuration, starts OpenTelemetry, creates the
 * engine and serves the OpenAI-compatible and Bedrock-native routes with JSON logs. Resolves once
 * it listens.
 * @throws ConfigError for an invalid configuration (before anything starts); RangeError for an
 *   invalid option, or no API keys off loopback without `auth: 'none'`; the listen error (e.g.
 *   `EADDRINUSE`) when the port cannot be taken.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const {
    port = DEFAULT_PORT,
    host = DEFAULT_HOST,
    shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS,
    logLevel = 'info',
    auth = 'api-keys',
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0 || shutdownTimeoutMs > MAX_TIMER_MS)
    throw new RangeError(
      `shutdownTimeoutMs must be a number of ms from 0 to ${MAX_TIMER_MS}, got ${shutdownTimeoutMs}`,
    );
  if (!isLogLevel(logLevel))
    throw new RangeError(`logLevel "${logLevel}" is not a level: use one of ${LOG_LEVELS.join(', ')}`);
  if (!isAuthMode(auth)) throw new RangeError(`auth "${auth}" is not a mode: use ${AUTH_MODES.join(' or ')}`);
  const apiKeys = options.apiKeys ?? [];
  checkAuthPolicy(host, apiKeys, auth);
  resolveLimits(options);
  checkAffinityHeader(options.affinityHeader);
  const inFlightLimit = new InFlightLimit(options.maxInFlight);
  const turns = new TurnBudget(
    options.maxRequestsPerTurn,
    options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS,
  );
  const config = withStateUrl(await configOf(options), options.stateUrl);
  const logger = createLogger(logLevel, options.logDestination);
  const state = options.engineOptions?.stateStore
    ? undefined
    : await openStateStore(config, stateLog(logger));
  const telemetry: TelemetryLease =
    options.telemetry === false ? { active: false, release: async () => {} } : await startTelemetry();
  // After the SDK: the engine records into the Prometheus reader and the SDK's global provider.
  const metrics = options.metrics ? createPrometheusMetrics(options.metrics, telemetry.active) : undefined;
  let ha: BedrockHA;
  try {
    ha = createBedrockHA(config, {
      ...options.engineOptions,
      ...(state && { stateStore: state.store }),
      ...(metrics && { telemetry: { meterProvider: metrics.meterProvider } }),
    });
  } catch (error) {
    await metrics?.close();
    await telemetry.release();
    await state?.close();
    throw error;
  }
  metrics?.watch(ha);
  const stopEngineLog = logEngineEvents(ha, logger);
  const accessLog = new AccessLog(logger);
  const onRequestLog = accessLog.write;
  const gateway = createGateway(ha, {
    apiKeys,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.corsOrigins?.length ? { cors: { allowedOrigins: options.corsOrigins } } : {}),
    onRequestLog,
    ...(metrics && options.metrics?.gatewayRoute && { metrics: metrics.scrape }),
    ...(options.affinityHeader !== undefined && { affinityHeader: options.affinityHeader }),
  });
  const inFlight = new InFlightRequests();
  // One handler for both protocols: the same auth, limits, body limit, access log and disconnect
  // handling whether the client speaks HTTP/1.1 or h2c (the AWS SDK's default).
  const servers = dualProtocolServer(
    requestHandler({
      gateway,
      inFlight,
      inFlightLimit,
      turns,
      onRequestLog,
      onUnhandled: (error, response) => answerUnhandled(logger, error, response),
    }),
    {
      ...limitsOf(options),
      onConnectionLimit: connectionLimitLog(logger, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
    },
  );
  const releaseAll = async (flushTimeoutMs?: number) => {
    gateway.close();
    stopEngineLog();
    ha.destroy();
    await state?.close();
    // The SDK's last export still reads the health() gauges: close the Prometheus side after it.
    try {
      await telemetry.release(flushTimeoutMs);
    } finally {
      await metrics?.close();
    }
  };
  let address: AddressInfo;
  try {
    address = await servers.listen(port, host);
  } catch (error) {
    await releaseAll();
    throw error;
  }
  let metricsUrl: string | undefined;
  try {
    metricsUrl = await metrics?.listen();
  } catch (error) {
    // The metrics port is taken: stop the gateway too, so the process fails as a whole.
    const closed = servers.stopAccepting();
    servers.closeAll();
    await closed;
    await releaseAll();
    throw error;
  }
  const url = urlOf(address);
  logger.info(
    {
      event: 'start',
      url,
      chains: ha.chains,
      apiKeyCount: apiKeys.length,
      auth,
      telemetry: telemetry.active,
      ...(metricsUrl && { metrics: metricsUrl }),
    },
    `bedrock-ha-server listening on ${url}`,
  );
  if (apiKeys.length === 0 && auth !== 'none')
    logger.warn(
      { event: 'no-api-keys' },
      'no API keys configured: every local client is accepted. Set BEDROCK_HA_API_KEYS (or apiKeys) before listening beyond loopback',
    );

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    const started = performance.now();
    logger.info({ event: 'shutdown', inFlight: inFlight.size }, 'shutting down: no new connections');
    const closed = servers.stopAccepting();
    // One budget for the drain and the telemetry flush, so together they end before the container
    // runtime's grace period does.
    const drainMs = drainBudgetMs(shutdownTimeoutMs, telemetry.active);
    const finished = await inFlight.drain(drainMs);
    const left = () => Math.max(0, shutdownTimeoutMs - (performance.now() - started));
    if (!finished) {
      logger.warn(
        { event: 'shutdown-timeout', cut: inFlight.size, shutdownTimeoutMs, drainMs },
        `${inFlight.size} request(s) still running after ${drainMs} ms: cutting them`,
      );
      accessLog.markCut(inFlight.size, drainMs);
    }
    // Cut connections abort their requests' signals, so the engine releases their upstream calls.
    servers.closeAll();
    await closed;
    // A cut request logs its line once its upstream call is aborted: wait for those lines (half of
    // what is left when telemetry still has to flush), or the process exits without them.
    if (!finished && !(await accessLog.settled(telemetry.active ? left() / 2 : left())))
      logger.warn({ event: 'shutdown-log-incomplete' }, 'some cut requests did not log their line in time');
    try {
      await releaseAll(left());
    } catch (error) {
      logger.warn({ event: 'telemetry-flush-failed', error: String(error) }, 'telemetry flush failed');
    }
    logger.info({ event: 'stopped' }, 'bedrock-ha-server stopped');
  };
  return {
    url,
    ...(metricsUrl && { metricsUrl }),
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** Logs the shared state store's connection going down and coming back (its URL redacted). */
function stateLog(logger: Logger) {
  return (state: 'up' | 'down', message: string) => {
    if (state === 'down') logger.warn({ event: 'state-store', state }, message);
    else logger.info({ event: 'state-store', state }, message);
  };
}

async function configOf(options: ServerOptions): Promise<BedrockHAConfig> {
  if (options.config) return options.config;
  if (options.configPath) return loadConfig(options.configPath, { env: process.env });
  throw new RangeError('startServer needs `config` (an object) or `configPath` (a .json or .yaml file)');
}

function limitsOf(options: ServerOptions): ConnectionLimits {
  const { maxConnections, headersTimeoutMs, idleTimeoutMs, acceptListeners } = options;
  return {
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(acceptListeners === undefined ? {} : { acceptListeners }),
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  };
}

/** The address actually bound, as a URL: `http://0.0.0.0:8080` says every interface listens. */
function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** A bug in a handler becomes a logged 500, never a stack trace sent to the client. */
function answerUnhandled(logger: Logger, error: unknown, response: NodeResponse): void {
  logger.error({ event: 'unhandled-error', error: String(error) }, 'unhandled error in a request handler');
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = 500;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ error: { message: 'Internal server error.', type: 'server_error' } }));
}
