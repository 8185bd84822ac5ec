import type { AddressInfo } from 'node:net';
import { type BedrockHA, type BedrockHAConfig, createBedrockHA, loadConfig } from '@bedrock-ha/core';
import { createGateway, type RequestLog } from '@bedrock-ha/http';
import type { Logger } from 'pino';
import { type ConnectionLimits, DEFAULT_MAX_CONNECTIONS, resolveLimits } from './connection-limits.js';
import { dualProtocolServer } from './dual-protocol-server.js';
import { logEngineEvents } from './engine-log.js';
import { InFlightRequests } from './in-flight-requests.js';
import { createLogger, isLogLevel, LOG_LEVELS } from './logger.js';
import type { NodeResponse } from './node-message.js';
import { serveGatewayRequest } from './serve-gateway-request.js';
import type { RunningServer, ServerOptions } from './server-options.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, drainBudgetMs } from './shutdown-budget.js';
import { startTelemetry, type TelemetryLease } from './telemetry.js';

const DEFAULT_PORT = 8080;

/**
 * Starts the bedrock-ha gateway: loads the configuration, starts OpenTelemetry, creates the
 * engine and serves the OpenAI-compatible and Bedrock-native routes with JSON logs. Resolves once
 * it listens.
 * @throws ConfigError for an invalid configuration (before anything starts); RangeError for an
 *   invalid option; the listen error (e.g. `EADDRINUSE`) when the port cannot be taken.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { port = DEFAULT_PORT, shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS, logLevel = 'info' } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0)
    throw new RangeError(`shutdownTimeoutMs must be a number of ms >= 0, got ${shutdownTimeoutMs}`);
  if (!isLogLevel(logLevel))
    throw new RangeError(`logLevel "${logLevel}" is not a level: use one of ${LOG_LEVELS.join(', ')}`);
  resolveLimits(options);
  const config = await configOf(options);
  const logger = createLogger(logLevel, options.logDestination);
  const telemetry: TelemetryLease =
    options.telemetry === false ? { active: false, release: async () => {} } : await startTelemetry();
  let ha: BedrockHA;
  try {
    ha = createBedrockHA(config, options.engineOptions);
  } catch (error) {
    await telemetry.release();
    throw error;
  }
  const apiKeys = options.apiKeys ?? [];
  const stopEngineLog = logEngineEvents(ha, logger);
  const onRequestLog = (entry: RequestLog) => logRequest(logger, entry);
  const gateway = createGateway(ha, {
    apiKeys,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    onRequestLog,
  });
  const inFlight = new InFlightRequests();
  // One handler for both protocols: the same auth, body limit, access log and disconnect
  // handling whether the client speaks HTTP/1.1 or h2c (the AWS SDK's default).
  const servers = dualProtocolServer(
    (request, response) => {
      inFlight.track(response);
      serveGatewayRequest(gateway, request, response, { onRequestLog }).catch((error: unknown) =>
        answerUnhandled(logger, error, response),
      );
    },
    {
      ...limitsOf(options),
      onConnectionLimit: connectionLimitLog(logger, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS),
    },
  );
  const releaseAll = async (flushTimeoutMs?: number) => {
    gateway.close();
    stopEngineLog();
    ha.destroy();
    await telemetry.release(flushTimeoutMs);
  };
  let address: AddressInfo;
  try {
    address = await servers.listen(port, options.host);
  } catch (error) {
    await releaseAll();
    throw error;
  }
  const url = urlOf(address);
  logger.info(
    { event: 'start', url, chains: ha.chains, apiKeyCount: apiKeys.length, telemetry: telemetry.active },
    `bedrock-ha-server listening on ${url}`,
  );
  if (apiKeys.length === 0)
    logger.warn(
      { event: 'no-api-keys' },
      'no API keys configured: every client is accepted. Set BEDROCK_HA_API_KEYS (or apiKeys) unless an authenticating proxy sits in front',
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
    if (!finished)
      logger.warn(
        { event: 'shutdown-timeout', cut: inFlight.size, shutdownTimeoutMs, drainMs },
        `${inFlight.size} request(s) still running after ${drainMs} ms: cutting them`,
      );
    // Cut connections abort their requests' signals, so the engine releases their upstream calls.
    servers.closeAll();
    await closed;
    try {
      await releaseAll(Math.max(0, shutdownTimeoutMs - (performance.now() - started)));
    } catch (error) {
      logger.warn({ event: 'telemetry-flush-failed', error: String(error) }, 'telemetry flush failed');
    }
    logger.info({ event: 'stopped' }, 'bedrock-ha-server stopped');
  };
  return {
    url,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

async function configOf(options: ServerOptions): Promise<BedrockHAConfig> {
  if (options.config) return options.config;
  if (options.configPath) return loadConfig(options.configPath, { env: process.env });
  throw new RangeError('startServer needs `config` (an object) or `configPath` (a .json or .yaml file)');
}

function limitsOf(options: ServerOptions): ConnectionLimits {
  const { maxConnections, headersTimeoutMs, idleTimeoutMs } = options;
  return {
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(headersTimeoutMs === undefined ? {} : { headersTimeoutMs }),
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  };
}

/** Logs refused connections: the first at once, then at most one line every 10 s with the count. */
function connectionLimitLog(logger: Logger, maxConnections: number): (open: number) => void {
  let refused = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  return (open) => {
    refused++;
    const now = performance.now();
    if (now - loggedAt < 10_000) return;
    loggedAt = now;
    logger.warn(
      { event: 'connection-limit', maxConnections, open, refused },
      `connection limit of ${maxConnections} reached: refused ${refused} connection(s); raise BEDROCK_HA_MAX_CONNECTIONS or add instances`,
    );
    refused = 0;
  };
}

/** A URL clients can use; "every interface" is reachable on the loopback address. */
function urlOf(address: AddressInfo): string {
  const unspecified = address.address === '0.0.0.0' || address.address === '::';
  const host = unspecified
    ? '127.0.0.1'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}

/** One access log line per finished request; the gateway never puts prompts, completions or keys in it. */
function logRequest(logger: Logger, entry: RequestLog): void {
  const route = entry.route === 'unmatched' ? `${entry.method} (unmatched)` : entry.route;
  const message = `${route} ${entry.status} ${Math.round(entry.durationMs)} ms`;
  if (entry.status >= 500) logger.warn({ event: 'request', ...entry }, message);
  else logger.info({ event: 'request', ...entry }, message);
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
