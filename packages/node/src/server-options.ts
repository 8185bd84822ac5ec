import type { BedrockHAConfig, BedrockHAOptions } from '@bedrock-ha/core';
import type { DestinationStream } from 'pino';
import type { ConnectionLimits } from './connection-limits.js';

/**
 * Options for {@link startServer}. Give `config` or `configPath`. The connection limits
 * (`maxConnections`, `headersTimeoutMs`, `idleTimeoutMs`) are {@link ConnectionLimits}'; a refused
 * connection is logged as `connection-limit` (at most once every 10 s).
 */
export interface ServerOptions extends Omit<ConnectionLimits, 'onConnectionLimit'> {
  /** The engine configuration, as an object. */
  readonly config?: BedrockHAConfig;
  /** A configuration file (`.json`, `.yaml`, `.yml`) with `${ENV}` references, read with core's `loadConfig`. */
  readonly configPath?: string;
  /** The port to listen on. Default 8080; 0 picks a free one (see `url`). */
  readonly port?: number;
  /** The interface to listen on. Default: every interface. */
  readonly host?: string;
  /** Accepted API keys (`Authorization: Bearer <key>` or `x-api-key`). None: no authentication, with a warning. */
  readonly apiKeys?: readonly string[];
  /** `trace`, `debug`, `info` (default), `warn`, `error`, `fatal` or `silent`. */
  readonly logLevel?: string;
  /** Where the JSON log lines go. Default: stdout. */
  readonly logDestination?: DestinationStream;
  /**
   * The whole shutdown's budget: requests in flight (streams included) get it, less up to 2 s kept
   * for the telemetry flush when telemetry runs, before they are cut. Default 8 000 ms, within
   * Docker's and Kubernetes' default 10 s grace period.
   */
  readonly shutdownTimeoutMs?: number;
  /** The largest request body accepted, in bytes. Default: the gateway's (1 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Start the OpenTelemetry Node SDK from the `OTEL_*` environment variables before the engine is
   * created, and flush it on close. Default true; `OTEL_SDK_DISABLED=true` also turns it off.
   */
  readonly telemetry?: boolean;
  /** Passed to `createBedrockHA` (a custom `clientFactory` or `classifyError`). */
  readonly engineOptions?: Omit<BedrockHAOptions, 'telemetry'>;
}

/** A listening gateway. */
export interface RunningServer {
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /**
   * Graceful shutdown: stops accepting connections (HTTP/2 sessions get a GOAWAY), lets requests
   * in flight (streams included) finish, cuts the rest, destroys the engine and flushes telemetry,
   * all within `shutdownTimeoutMs`. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}
