import type { BedrockHAConfig, BedrockHAOptions } from '@bedrock-ha/core';
import type { DestinationStream } from 'pino';
import type { AuthMode } from './auth-policy.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { MetricsOptions } from './metrics/prometheus-metrics.js';

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
  /** The interface to listen on. Default `127.0.0.1` (loopback only); `0.0.0.0` is every IPv4 interface. */
  readonly host?: string;
  /**
   * Accepted API keys (`Authorization: Bearer <key>` or `x-api-key`). Required when `host` is not
   * loopback, unless `auth` is `none`; none on loopback accepts every local client, with a warning.
   */
  readonly apiKeys?: readonly string[];
  /**
   * `api-keys` (default): off loopback, refuse to start without `apiKeys`. `none`: accept every
   * client on any interface, for a server behind a proxy that authenticates (no keys allowed then).
   */
  readonly auth?: AuthMode;
  /** `trace`, `debug`, `info` (default), `warn`, `error`, `fatal` or `silent`. */
  readonly logLevel?: string;
  /** Where the JSON log lines go. Default: stdout. */
  readonly logDestination?: DestinationStream;
  /**
   * The whole shutdown's budget: requests in flight (streams included) get it, less a quarter of
   * it (at most 2 s with telemetry, 1 s without) kept for the access-log lines of the requests it
   * cuts and the telemetry flush. Default 8 000 ms, within Docker's and Kubernetes' default 10 s
   * grace period; at most 2147483647.
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Model calls (POST requests) answered at once; past it a request is answered at once with a 503
   * and `retry-after: 1` in its route's error format (OpenAI's JSON error, or Bedrock's
   * `ServiceUnavailableException`, both retried by the SDKs) instead of queueing. GET routes are
   * never refused. Default 1 000.
   */
  readonly maxInFlight?: number;
  /**
   * Requests started per event-loop turn; past it they wait, in arrival order, for the next turn,
   * so a saturated server's turns stay short and accepts and new connections' reads run between
   * batches. A waiting request whose client leaves is dropped without work. Default 16; 0: no cap.
   */
  readonly maxRequestsPerTurn?: number;
  /**
   * How long a model call may wait for its turn (see `maxRequestsPerTurn`), in ms: one arriving
   * while the head of the queue has waited longer, or still queued when its turn comes after
   * longer, is answered with the same retryable 503 as `maxInFlight`'s instead of being started
   * late. Unlike `maxInFlight` it counts only the wait for this process's CPU, never calls waiting
   * on Bedrock, so it adapts to the machine. Default 100; 0: no bound (nor with `maxRequestsPerTurn` 0).
   */
  readonly maxQueueWaitMs?: number;
  /** The largest request body accepted, in bytes. Default: the gateway's (1 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Origins whose pages may call the server from a browser (`https://app.example.com`, or `*`):
   * their preflights are answered before the key check and responses carry CORS headers. None: no CORS.
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Start the OpenTelemetry Node SDK from the `OTEL_*` environment variables before the engine is
   * created, and flush it on close. Default true: it starts when an exporter is configured
   * (`OTEL_EXPORTER_OTLP_*ENDPOINT`, or `OTEL_*_EXPORTER` other than `none`) and
   * `OTEL_SDK_DISABLED` is not `true`; `false` never starts it.
   */
  readonly telemetry?: boolean;
  /**
   * Exposes the engine's metrics in the Prometheus text format: on a listener of their own
   * (`{ port: 9464 }`, loopback unless `host` says otherwise), and/or as `GET /metrics` on this
   * port behind the API keys (`gatewayRoute: true`). Absent: no Prometheus exposition.
   */
  readonly metrics?: MetricsOptions;
  /**
   * The request header whose value is the prompt-cache affinity key: requests with one value stay
   * on the endpoint that served the last one. Case-insensitive; default `x-session-id`.
   */
  readonly affinityHeader?: string;
  /**
   * A Redis URL whose server holds breakers, budgets and usage for a fleet of gateways (what
   * `BEDROCK_HA_STATE_URL` sets); overrides the config's `state`. Needs `@bedrock-ha/redis`.
   */
  readonly stateUrl?: string;
  /** Passed to `createBedrockHA` (a custom `clientFactory` or `classifyError`). */
  readonly engineOptions?: Omit<BedrockHAOptions, 'telemetry'>;
}

/** A listening gateway. */
export interface RunningServer {
  /** The address it bound, e.g. `http://127.0.0.1:8080`, `http://0.0.0.0:8080` or `http://[::]:8080`. */
  readonly url: string;
  /** The metrics listener's URL (`http://127.0.0.1:9464/metrics`), when `metrics.port` was given. */
  readonly metricsUrl?: string;
  /**
   * Graceful shutdown: stops accepting connections (HTTP/2 sessions get a GOAWAY), lets requests
   * in flight (streams included) finish, cuts the rest, destroys the engine and flushes telemetry,
   * all within `shutdownTimeoutMs`. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}
