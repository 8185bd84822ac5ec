// Order statistics of latency samples, shared by the benchmarks. They throw rather than return a
// number for empty or non-finite samples: a figure computed from nothing (or from a NaN that a
// missed measurement produced) must fail the benchmark, not land in a results file as 0 or NaN.

/** Throws unless `values` is a non-empty list of finite numbers; returns it. */
function checked(values, what) {
  if (values.length === 0) throw new RangeError(`${what}: no samples (did every measured call fail?)`);
  const bad = values.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
  if (bad !== -1)
    throw new RangeError(
      `${what}: sample ${bad} is ${values[bad]}, not a finite number (a missed measurement?)`,
    );
  return values;
}

/** The `p` quantile (0..1) of `sorted` (ascending, non-empty, finite). */
export const percentile = (sorted, p) => {
  checked(sorted, `percentile ${p}`);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};

/** The median of `values`, in any order (non-empty, finite). */
export const median = (values) =>
  percentile(
    [...checked(values, 'median')].sort((a, b) => a - b),
    0.5,
  );

/** p50, p99 and the sample count of `values`, in any order. */
export function summarizeLatencies(values) {
  const sorted = [...checked(values, 'latencies')].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: round3(percentile(sorted, 0.5)),
    p99Ms: round3(percentile(sorted, 0.99)),
  };
}

/** Rounds to three decimals (a microsecond, for milliseconds); throws on a non-finite value. */
export const round3 = (value) => {
  if (!Number.isFinite(value)) throw new RangeError(`round3: ${value} is not a finite number`);
  return Number(value.toFixed(3));
};
