import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BedrockHA } from '@bedrock-ha/core';
import { type MeterProvider, metrics as otelMetrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import { fanOutMeterProvider } from './fan-out-meter-provider.js';
import { registerHealthGauges } from './health-gauges.js';

/** The content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Where the server exposes its metrics in the Prometheus text format. Give `port` for a listener of
 * their own, `gatewayRoute` for `GET /metrics` on the gateway's port behind its API keys, or both.
 */
export interface MetricsOptions {
  /** The port of the metrics listener (9464 is Prometheus' registered default; 0 picks a free one). */
  readonly port?: number;
  /** The interface of the metrics listener. Default `127.0.0.1`: loopback only. */
  readonly host?: string;
  /** Also serve `GET /metrics` on the gateway's own port, behind its API keys. Default false. */
  readonly gatewayRoute?: boolean;
}

/** The metrics side of a server: the meter provider the engine records into, and its exposition. */
export interface PrometheusMetrics {
  /** Give this to the engine: it records into the Prometheus reader (and the global SDK's, if any). */
  readonly meterProvider: MeterProvider;
  /** Adds the `health()` gauges of the engine. */
  watch(ha: BedrockHA): void;
  /** Collects every instrument now and renders the Prometheus text format. */
  scrape(): Promise<string>;
  /** Starts the metrics listener when `port` was given; resolves its URL (`.../metrics`). */
  listen(): Promise<string | undefined>;
  /** Stops the listener and the meter provider. */
  close(): Promise<void>;
}

/**
 * Creates the Prometheus exposition of the engine's OpenTelemetry metrics: a Prometheus reader on a
 * meter provider of its own, which the engine records into beside the global one (`withGlobal`,
 * when the OpenTelemetry SDK runs), so OTLP export keeps working and nothing is instrumented twice.
 */
export function createPrometheusMetrics(options: MetricsOptions, withGlobal: boolean): PrometheusMetrics {
  const { port, host = '127.0.0.1' } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
    throw new RangeError(`metrics.port must be an integer from 0 to 65535, got ${port}`);
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  const provider = new SdkMeterProvider({ readers: [exporter] });
  const meterProvider = fanOutMeterProvider(
    withGlobal ? [provider, otelMetrics.getMeterProvider()] : [provider],
  );
  const stops: (() => void)[] = [];
  let server: Server | undefined;

  const scrape = async () => {
    const { resourceMetrics } = await exporter.collect();
    return serializer.serialize(resourceMetrics);
  };

  return {
    meterProvider,
    scrape,
    watch(ha) {
      stops.push(registerHealthGauges(meterProvider.getMeter('@bedrock-ha/node'), ha));
    },
    async listen() {
      if (port === undefined) return undefined;
      const listener = createServer((request, response) => {
        if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
          response
            .writeHead(404, { 'content-type': 'text/plain' })
            .end('Only GET /metrics is served here.\n');
          return;
        }
        scrape().then(
          (text) => response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(text),
          (error: unknown) =>
            response.writeHead(500, { 'content-type': 'text/plain' }).end(`# collection failed: ${error}\n`),
        );
      });
      server = listener;
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host, () => resolve());
      });
      const address = listener.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shown}:${address.port}/metrics`;
    },
    async close() {
      for (const stop of stops.splice(0)) stop();
      const listener = server;
      server = undefined;
      if (listener?.listening) {
        listener.closeAllConnections();
        await new Promise<void>((resolve) => listener.close(() => resolve()));
      }
      await provider.shutdown();
    },
  };
}
