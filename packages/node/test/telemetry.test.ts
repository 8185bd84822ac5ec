import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { configFor, harness, logCapture, openaiClient, TOKYO } from './harness.js';

const test = harness();
const OTEL_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
];
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(OTEL_VARIABLES.map((name) => [name, process.env[name]]));
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** An OTLP/HTTP collector that keeps every JSON export, by path (`/v1/traces`, `/v1/metrics`). */
async function collector() {
  const exports: { path: string; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      exports.push({ path: request.url ?? '', body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  test.defer(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    exported: (path: string) => exports.filter((item) => item.path === path).map((item) => item.body),
  };
}

describe('OpenTelemetry', () => {
  it('exports the engine’s spans and metrics over OTLP, configured by OTEL_* variables, flushed on close', async () => {
    const otlp = await collector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_LOGS_EXPORTER = 'none';
    process.env.OTEL_SERVICE_NAME = 'gateway-under-test';
    delete process.env.OTEL_SDK_DISABLED;
    const sim = await test.simulator();
    const log = logCapture();
    const server = await startServer({
      config: configFor(sim),
      port: 0,
      host: '127.0.0.1',
      logDestination: log,
    });
    expect(log.events('start')[0]).toMatchObject({ telemetry: true });

    const completion = await openaiClient(server.url, 'any').chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
    });
    expect(completion.choices[0]?.message.content).toBe('Tokyo');
    await server.close();

    const traces = otlp.exported('/v1/traces').join('\n');
    expect(traces).toContain('gateway-under-test');
    expect(traces).toContain('chat chat');
    expect(traces).toContain('bedrock_ha.endpoint.id');
    const metrics = otlp.exported('/v1/metrics').join('\n');
    expect(metrics).toContain('gen_ai.client.operation.duration');
  });

  it('feeds the Prometheus exposition and OTLP from the same instruments when both are on', async () => {
    const otlp = await collector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_LOGS_EXPORTER = 'none';
    delete process.env.OTEL_SDK_DISABLED;
    const sim = await test.simulator();
    const server = await startServer({
      config: configFor(sim),
      port: 0,
      host: '127.0.0.1',
      logDestination: logCapture(),
      metrics: { port: 0 },
    });
    await openaiClient(server.url, 'any').chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
    });
    const scraped = await (await fetch(server.metricsUrl!)).text();
    expect(scraped).toMatch(/^bedrock_ha_attempts_total\{.*bedrock_ha_endpoint_id="primary".*\} 1$/m);
    await server.close();
    const exported = otlp.exported('/v1/metrics').join('\n');
    expect(exported).toContain('bedrock_ha.attempts');
    // The health() gauges go both ways too.
    expect(exported).toContain('bedrock_ha.endpoint.breaker');
  });

  it('stays off with OTEL_SDK_DISABLED=true', async () => {
    const otlp = await collector();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_SDK_DISABLED = 'true';
    const sim = await test.simulator();
    const log = logCapture();
    const server = await startServer({
      config: configFor(sim),
      port: 0,
      host: '127.0.0.1',
      logDestination: log,
    });
    expect(log.events('start')[0]).toMatchObject({ telemetry: false });
    await openaiClient(server.url, 'any').chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
    });
    await server.close();
    expect(otlp.exported('/v1/traces')).toEqual([]);
    expect(otlp.exported('/v1/metrics')).toEqual([]);
  });
});
