import type { MeterProvider } from '@opentelemetry/api';

/**
 * A meter provider that records into several: `getMeter` returns a meter whose instruments record
 * into each provider's instrument of the same name. Lets the engine feed the Prometheus reader and
 * the OpenTelemetry SDK's OTLP reader from one set of instrument calls.
 */
export function fanOutMeterProvider(providers: readonly MeterProvider[]): MeterProvider {
  if (providers.length === 1) return providers[0]!;
  return fanOut(providers as readonly object[]) as MeterProvider;
}

// Every call goes to each target; the results that are objects (a meter, an instrument) are
// fanned out in turn, the rest (`undefined` from `add`, `record`, `addCallback`) returned as is.
function fanOut(targets: readonly object[]): object {
  return new Proxy(targets[0]!, {
    get(first, key) {
      const value: unknown = Reflect.get(first, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const results: unknown[] = targets.map((target) =>
          (Reflect.get(target, key) as (...parameters: unknown[]) => unknown).apply(target, args),
        );
        return results.every((result) => typeof result === 'object' && result !== null)
          ? fanOut(results as object[])
          : results[0];
      };
    },
  });
}
