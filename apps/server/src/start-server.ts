import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BedrockHA, type BedrockHAConfig, createBedrockHA, loadConfig } from '@bedrock-ha/core';
import { bedrockHARouter, type RequestLog } from '@bedrock-ha/express';
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { logEngineEvents } from './engine-log.js';
import { InFlightRequests } from './in-flight-requests.js';
import { createLogger, isLogLevel, LOG_LEVELS } from './logger.js';
import type { RunningServer, ServerOptions } from './server-options.js';
import { startTelemetry, type TelemetryLease } from './telemetry.js';

const DEFAULT_PORT = 8080;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

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
  const router = bedrockHARouter(ha, {
    apiKeys,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    answerEveryPath: true,
    onRequestLog: (entry) => logRequest(logger, entry),
  });
  const inFlight = new InFlightRequests();
  const app = express();
  app.disable('x-powered-by');
  app.use(inFlight.middleware);
  app.use(router);
  app.use(lastResort(logger));
  const server = createServer(app);
  // Longer than load balancers' idle timeouts (an ALB's is 60 s), so a balancer never sends a
  // request on a connection this server is closing at the same moment (a 502).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const releaseAll = async () => {
    router.close();
    stopEngineLog();
    ha.destroy();
    await telemetry.release();
  };
  try {
    await listen(server, port, options.host);
  } catch (error) {
    await releaseAll();
    throw error;
  }
  const url = urlOf(server.address() as AddressInfo);
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
    logger.info({ event: 'shutdown', inFlight: inFlight.size }, 'shutting down: no new connections');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const finished = await inFlight.drain(shutdownTimeoutMs);
    if (!finished)
      logger.warn(
        { event: 'shutdown-timeout', cut: inFlight.size, shutdownTimeoutMs },
        `${inFlight.size} request(s) still running after ${shutdownTimeoutMs} ms: cutting them`,
      );
    // Cut connections abort their requests' signals, so the engine releases their upstream calls.
    server.closeAllConnections();
    await closed;
    try {
      await releaseAll();
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

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') error.message = `port ${port} is already in use: pick another port`;
      reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
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
function lastResort(logger: Logger): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    logger.error({ event: 'unhandled-error', error: String(error) }, 'unhandled error in a request handler');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(500).json({ error: { message: 'Internal server error.', type: 'server_error' } });
  };
}
