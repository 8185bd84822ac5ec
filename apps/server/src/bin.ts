#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ConfigError } from '@bedrock-ha/core';
import type { RunningServer } from '@bedrock-ha/node';
import { SERVER_ENV, ServerEnvError, serverOptionsFromEnv } from './server-env.js';

const USAGE = `bedrock-ha-server: an OpenAI-compatible and Bedrock-native gateway with failover

Configured by environment variables:
${Object.entries(SERVER_ENV)
  .map(([name, meaning]) => `  ${name.padEnd(32)}${meaning}`)
  .join('\n')}
  OTEL_*                          OpenTelemetry SDK settings: on when OTEL_EXPORTER_OTLP_*ENDPOINT or
                                  OTEL_*_EXPORTER (not none) is set; OTEL_SDK_DISABLED=true turns it off

SIGTERM or SIGINT shuts down gracefully: requests in flight finish first.
`;

/** Exit codes: 0 clean shutdown, 1 runtime failure (e.g. port in use), 2 bad configuration. */
async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (argv.includes('--version')) {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${manifest.version}\n`);
    return;
  }
  if (argv.length > 0)
    fail(2, `unknown argument ${argv[0]}: the server is configured by environment variables\n\n${USAGE}`);
  // Listening for signals from the start: one that arrives while the server starts stops it
  // as soon as it is up, instead of killing the process mid-start.
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = () => {
    // A second signal changes nothing: the shutdown is already bounded by its timeout.
    if (stopping) return;
    stopping = true;
    server?.close().then(
      () => process.exit(0),
      (error: unknown) => fail(1, `shutdown failed: ${String(error)}`),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    const options = serverOptionsFromEnv(process.env);
    // Loaded after the environment checks, so `--help` and a bad variable answer at once.
    const { startServer } = await import('@bedrock-ha/node');
    server = await startServer({ ...options, telemetry: true });
  } catch (error) {
    if (error instanceof ServerEnvError || ConfigError.isInstance(error) || error instanceof RangeError)
      fail(2, (error as Error).message);
    fail(1, error instanceof Error ? error.message : String(error));
  }
  if (stopping) {
    stopping = false;
    stop();
  }
}

function fail(code: number, message: string): never {
  process.stderr.write(`bedrock-ha-server: ${message}\n`);
  process.exit(code);
}

await main(process.argv.slice(2));
