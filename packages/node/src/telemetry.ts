import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/** A handle on the process's OpenTelemetry SDK; `release()` flushes and stops it when the last user leaves. */
export interface TelemetryLease {
  /** True when an SDK is running (false with `OTEL_SDK_DISABLED=true`, or with no exporter configured). */
  readonly active: boolean;
  /** Flushes and stops the SDK if this was its last user, giving up on the flush after `timeoutMs`. */
  release(timeoutMs?: number): Promise<void>;
}

// The SDK registers process-wide globals, so every server in the process shares one.
let shared: { sdk: NodeSDK; users: number } | undefined;
/** How long a shutdown waits for the last export: an unreachable collector must not hold the process. */
const FLUSH_TIMEOUT_MS = 5_000;
// A shutdown in progress: a new SDK waits for it, or its globals would be unregistered under it.
let stopping: Promise<void> | undefined;

const INACTIVE: TelemetryLease = { active: false, release: async () => {} };
const ENDPOINT_VARIABLE = /^OTEL_EXPORTER_OTLP_(?:[A-Z]+_)?ENDPOINT$/;
const EXPORTER_VARIABLE = /^OTEL_[A-Z]+_EXPORTER$/;

/**
 * True when the environment asks for telemetry to go somewhere: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, ...) or an exporter other
 * than `none` (`OTEL_TRACES_EXPORTER=otlp`, `OTEL_METRICS_EXPORTER=console`, ...), and
 * `OTEL_SDK_DISABLED` is not `true`. Without either, the SDK's default OTLP exporters would send
 * to a collector on localhost:4318 that nobody runs, and every shutdown would wait for them.
 */
export function telemetryConfigured(env: NodeJS.ProcessEnv): boolean {
  if (/^true$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return false;
  return Object.entries(env).some(
    ([name, value]) =>
      value?.trim() &&
      (ENDPOINT_VARIABLE.test(name) ||
        (EXPORTER_VARIABLE.test(name) && value.trim().toLowerCase() !== 'none')),
  );
}

/**
 * Starts the OpenTelemetry Node SDK, configured by the standard `OTEL_*` variables (OTLP exporters
 * for traces and metrics by default, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_EXPORTER`,
 * `OTEL_METRICS_EXPORTER`, ...). The core emits its spans and metrics through the global
 * `@opentelemetry/api`, so this must run before the engine is created. Does nothing unless
 * {@link telemetryConfigured} (an endpoint or an exporter is set, and not `OTEL_SDK_DISABLED=true`).
 */
export async function startTelemetry(env: NodeJS.ProcessEnv = process.env): Promise<TelemetryLease> {
  if (!telemetryConfigured(env)) return INACTIVE;
  await stopping;
  // Loaded only when wanted: the SDK and its exporters are most of the server's start-up time.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  if (!shared) {
    const sdk = new NodeSDK({
      // OTEL_SERVICE_NAME, read by the SDK, wins over this default.
      ...(process.env.OTEL_SERVICE_NAME ? {} : { serviceName: 'bedrock-ha-server' }),
    });
    sdk.start();
    shared = { sdk, users: 0 };
  }
  const lease = shared;
  lease.users++;
  let released = false;
  return {
    active: true,
    async release(timeoutMs = FLUSH_TIMEOUT_MS) {
      if (released) return;
      released = true;
      lease.users--;
      if (lease.users > 0) return;
      shared = undefined;
      const stopped = stop(lease.sdk);
      stopping = stopped.catch(() => {});
      await withTimeout(stopped, timeoutMs);
    },
  };
}

async function stop(sdk: NodeSDK): Promise<void> {
  try {
    // Exports what is buffered: the last spans and a final metrics collection.
    await sdk.shutdown();
  } finally {
    // Unregister, so a server started later in this process can register a fresh SDK.
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  }
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the telemetry flush did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
