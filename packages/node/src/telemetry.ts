import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/** A handle on the process's OpenTelemetry SDK; `release()` flushes and stops it when the last user leaves. */
export interface TelemetryLease {
  /** True when an SDK is running (false with `OTEL_SDK_DISABLED=true`). */
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

/**
 * Starts the OpenTelemetry Node SDK, configured by the standard `OTEL_*` variables (OTLP exporters
 * for traces and metrics by default, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_EXPORTER`,
 * `OTEL_METRICS_EXPORTER`, ...). The core emits its spans and metrics through the global
 * `@opentelemetry/api`, so this must run before the engine is created. Does nothing when
 * `OTEL_SDK_DISABLED=true`.
 */
export async function startTelemetry(): Promise<TelemetryLease> {
  if (/^true$/i.test(process.env.OTEL_SDK_DISABLED?.trim() ?? ''))
    return { active: false, release: async () => {} };
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
