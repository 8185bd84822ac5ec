// Order statistics of latency samples, shared by the benchmarks.

/** The `p` quantile (0..1) of `sorted` (ascending). */
export const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/** The median of `values`, in any order. */
export const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** p50, p99 and the sample count of `values`, in any order. */
export function summarizeLatencies(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: round3(percentile(sorted, 0.5)),
    p99Ms: round3(percentile(sorted, 0.99)),
  };
}

/** Rounds to three decimals (a microsecond, for milliseconds). */
export const round3 = (value) => Number(value.toFixed(3));
